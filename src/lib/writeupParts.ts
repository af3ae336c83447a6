/**
 * Writeups split over several pages ("parts"). Each part is an MDX file in content/ whose frontmatter says which
 * writeup it belongs to and its place in it (`part`); the home page shows one card per writeup, the numbering of
 * sections, figures, tables and equations continues from one part to the next, and `<Ref>` links across parts.
 * A file without `part` is a writeup of one page. Pure functions: the pages call them on the content collection,
 * the remark plugin on the files themselves (`partsOfFile`), so both group parts the same way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseFrontmatter } from '@astrojs/markdown-remark';

/** The `part` field of a writeup's frontmatter. */
export const partSchema = z
  .object({
    /**
     * The writeup this page is a part of: the id of its first part (`content/<of>.mdx`), which is also the slug of
     * the writeup's experiments (`experiments/<of>/`), figures and tests: the parts share one page unit.
     */
    of: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a page slug: lower-case words joined by "-"'),
    /** 1 for the first page (which carries the writeup's `order` and `card`), then 2, 3, … in reading order. */
    number: z.number().int().min(1),
    /** The part's short name in the list of parts and in previous/next links, e.g. "Attention". */
    label: z.string().min(1),
  })
  .strict();
export type Part = z.output<typeof partSchema>;

/** What grouping needs of a content entry (an Astro collection entry, or a file read by `partsOfFile`). */
export interface PartEntry {
  id: string;
  data: { title: string; order?: number; part?: Part };
}

/** One writeup: its slug (the first part's id), its parts in order (one entry for a writeup of one page). */
export interface Writeup<E extends PartEntry> {
  slug: string;
  /** Position on the home page (the first part's `order`). */
  order: number;
  parts: E[];
}

/** The part number of an entry (1 for a writeup of one page). */
export const partNumber = (e: PartEntry) => e.data.part?.number ?? 1;
const writeupSlug = (e: PartEntry) => e.data.part?.of ?? e.id;

/**
 * Group entries into writeups, ordered by `order`, parts by number. Throws, naming the files, when a writeup's
 * parts are not numbered 1, 2, … without gaps, when its first part is not `content/<of>.mdx`, or when the first
 * part lacks `order` or a later part has one.
 */
export function groupWriteups<E extends PartEntry>(entries: readonly E[]): Writeup<E>[] {
  const bySlug = new Map<string, E[]>();
  for (const e of entries) bySlug.set(writeupSlug(e), [...(bySlug.get(writeupSlug(e)) ?? []), e]);
  const writeups: Writeup<E>[] = [];
  for (const [slug, group] of bySlug) {
    const parts = [...group].sort((a, b) => partNumber(a) - partNumber(b));
    const numbers = parts.map(partNumber);
    const files = parts.map((p) => `content/${p.id}.mdx`).join(', ');
    if (numbers.some((n, i) => n !== i + 1)) {
      throw new Error(`writeup "${slug}": its parts (${files}) are numbered ${numbers.join(', ')}; number them 1, 2, … without gaps or repeats`);
    }
    if (parts[0].id !== slug) {
      throw new Error(`writeup "${slug}": part 1 is content/${parts[0].id}.mdx, but part.of names the first part's file: rename it content/${slug}.mdx or set part.of to "${parts[0].id}" (${files})`);
    }
    const order = parts[0].data.order;
    if (order === undefined) throw new Error(`content/${slug}.mdx: the first part of a writeup needs \`order\` (its position on the home page)`);
    for (const p of parts.slice(1)) {
      if (p.data.order !== undefined) throw new Error(`content/${p.id}.mdx: only a writeup's first part has \`order\`; part ${partNumber(p)} follows part ${partNumber(p) - 1}`);
    }
    writeups.push({ slug, order, parts });
  }
  return writeups.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug));
}

/** Every page in reading order (writeups by `order`, each one's parts in turn), for previous/next links. */
export function readingOrder<E extends PartEntry>(entries: readonly E[]): E[] {
  return groupWriteups(entries).flatMap((w) => w.parts);
}

/** The writeup an entry belongs to. */
export function writeupOf<E extends PartEntry>(entries: readonly E[], entry: PartEntry): Writeup<E> {
  const w = groupWriteups(entries).find((x) => x.parts.some((p) => p.id === entry.id));
  if (!w) throw new Error(`content/${entry.id}.mdx is not among the writeups`);
  return w;
}

/** A part read from disk: its id (file name), frontmatter fields that grouping needs, and its MDX body. */
export interface PartFile extends PartEntry {
  body: string;
}

/**
 * The parts of the writeup that the MDX file `file` belongs to, in order, read from the files next to it (for
 * the remark plugin, which sees one file at a time). A file without `part` is its own only part.
 */
export function partsOfFile(file: string): PartFile[] {
  const dir = path.dirname(file);
  const read = (name: string): PartFile => {
    const parsed = parseFrontmatter(readFileSync(path.join(dir, name), 'utf8'), { frontmatter: 'empty-with-spaces' });
    const fm = parsed.frontmatter as { title?: unknown; order?: unknown; part?: unknown };
    const part = fm.part === undefined ? undefined : partSchema.safeParse(fm.part);
    if (part && !part.success) throw new Error(`${path.join(dir, name)}: part: ${part.error.issues.map((i) => `${i.path.join('.') || 'part'}: ${i.message}`).join('; ')}`);
    return {
      id: name.replace(/\.mdx$/, ''),
      data: { title: String(fm.title ?? ''), order: typeof fm.order === 'number' ? fm.order : undefined, part: part?.data },
      body: parsed.content,
    };
  };
  const self = read(path.basename(file));
  if (!self.data.part) return [self];
  const siblings = readdirSync(dir).filter((f) => f.endsWith('.mdx')).map(read);
  return writeupOf(siblings, self).parts;
}
