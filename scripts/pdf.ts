/**
 * `npm run pdf [-- <built site folder>]`: prints every writeup of a built site (default dist/) to
 * <site>/pdf/<slug>.pdf through the Chromium the browser tests use, with the print stylesheet, the light theme
 * and the figures as vector SVG. Writeups are found on disk (every page with an article), not from a list.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath, serve, sitePages } from './browser';

const site = path.resolve(process.argv[2] ?? 'dist');
if (!(await stat(path.join(site, 'index.html')).catch(() => null))) {
  console.error(`no built site in ${site}: run \`npm run build\` first (or pass the folder of a built site)`);
  process.exit(2);
}
const { server, origin } = await serve(site);
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
try {
  const context = await browser.newContext({ colorScheme: 'light', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.emulateMedia({ media: 'print', colorScheme: 'light' });
  await mkdir(path.join(site, 'pdf'), { recursive: true });
  let printed = 0;
  for (const route of await sitePages(site)) {
    await page.goto(`${origin}${route}`, { waitUntil: 'networkidle' });
    if (!(await page.$('article.article-body'))) continue;
    const slug = route.replace(/^\/|\/$/g, '').replace(/\//g, '-');
    const file = path.join(site, 'pdf', `${slug}.pdf`);
    const started = Date.now();
    await page.pdf({ path: file, format: 'A4', printBackground: true, margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' }, displayHeaderFooter: true, headerTemplate: '<span></span>', footerTemplate: `<div style="font-size:8px;width:100%;text-align:center;color:#555">${slug} · <span class="pageNumber"></span>/<span class="totalPages"></span></div>` });
    console.log(`${path.relative(process.cwd(), file)} (${((await stat(file)).size / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`);
    printed++;
  }
  if (printed === 0) throw new Error(`no writeups found in ${site}`);
} finally {
  await browser.close();
  server.close();
}
