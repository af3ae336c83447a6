/** A site-absolute path under Astro's base (`/` unless the site is deployed under a prefix). */
export function sitePath(p: string): string {
  const base = (import.meta.env?.BASE_URL ?? '/').replace(/\/?$/, '/');
  return `${base}${p.replace(/^\//, '')}`;
}
