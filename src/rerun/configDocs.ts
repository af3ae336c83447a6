/**
 * The doc comment of each config field, read from the experiment's published source text (`/source/<module>.txt`,
 * fetched after a click): `/** text *\/ name:` → name → text. The first comment of a name wins: a module declares
 * its config schema before its result schema.
 */
export function fieldDocs(source: string): Map<string, string> {
  const docs = new Map<string, string>();
  for (const m of source.matchAll(/\/\*\*([\s\S]*?)\*\/\s*([A-Za-z_$][\w$]*)\s*:/g)) {
    const text = m[1].split('\n').map((l) => l.replace(/^\s*\*\s?/, '').trim()).filter(Boolean).join(' ');
    if (!docs.has(m[2])) docs.set(m[2], text);
  }
  return docs;
}
