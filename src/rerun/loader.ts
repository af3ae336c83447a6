/**
 * The only re-run code a page loads before a click: it adds "Re-run in your browser" to each figure that offers it
 * (and a line saying why to each that does not), and imports the re-run panel (form, worker, figure, claims) when a
 * reader clicks. Without JavaScript none of this exists and the page is as built.
 */
/** The words for src/lib/rerunOffer.ts's short codes. */
function whyNot(code: string): string {
  if (code === 'upstream') return "it reads other experiments' results, which a browser run does not have";
  if (code === 'node') return 'it reads files on the build machine (its code imports Node modules), which a browser cannot';
  return 'its figure is not drawn by an exported figure spec';
}

export function offerReruns(): void {
  const figures = document.querySelectorAll<HTMLElement>('figure.readoff-figure[data-rerun], figure.readoff-figure[data-rerun-off]');
  if (!figures.length || document.querySelector('.rerun-bar')) return;
  const style = document.createElement('style');
  style.textContent =
    '.rerun-bar{margin:.3rem 0;font-family:var(--sans);font-size:.85rem;color:var(--muted)}' +
    '.rerun-bar button{font:inherit;cursor:pointer;border:1px solid currentColor;border-radius:4px;background:none;color:var(--accent);padding:.15rem .5rem}';
  document.head.append(style);
  for (const fig of figures) {
    const bar = document.createElement('div');
    bar.className = 'rerun-bar';
    if (fig.dataset.rerun) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'rerun-open';
      button.textContent = 'Re-run in your browser';
      button.setAttribute('aria-expanded', 'false');
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          const { togglePanel } = await import('./panel');
          await togglePanel(fig, bar, button);
        } catch (err) {
          bar.append(` (could not load the re-run code: ${(err as Error).message})`);
        } finally {
          button.disabled = false;
        }
      });
      bar.append(button);
    } else {
      bar.textContent = `Not offered for a re-run in your browser: ${whyNot(fig.dataset.rerunOff ?? '')}.`;
    }
    fig.querySelector('figcaption')?.before(bar);
  }
}
