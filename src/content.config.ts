import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';

const number = z.object({
  /** Experiment whose artifact holds the number. */
  experiment: z.string(),
  /** Dotted path into its results (or `config.…`), as for `<Value>`. */
  path: z.string(),
  /** d3-format specifier, as for `<Value>`. */
  format: z.string().optional(),
  /** Multiply before formatting, as for `<Value>`. */
  scale: z.number().optional(),
  /** What the number is, shown under it, e.g. "RMS error of 1,225 ANDs read off 300 neurons". */
  label: z.string(),
});

/**
 * The writeup's card on the home page. Its number and its verdict go through `<Value>` and `<Claim>`, so the
 * home page fails the build when the number moves and the verdict no longer holds, just as the page does.
 */
const card = z.object({
  /** The question the writeup answers, in one sentence. */
  question: z.string(),
  /** The headline number, read from an artifact. */
  headline: number,
  /** The answer in one sentence, checked like a `<Claim>`: `holds` must be true of the experiment's results. */
  verdict: z.object({
    experiment: z.string(),
    holds: z.string(),
    text: z.string(),
    /** As for `<Claim profiles>`: profiles in which the verdict's truth is checked. */
    profiles: z.array(z.enum(['quick', 'full'])).optional(),
  }),
});

/** One MDX writeup per page, from content/. */
const writeups = defineCollection({
  loader: glob({ pattern: '*.mdx', base: './content' }),
  schema: z.object({
    /** Page title. */
    title: z.string(),
    /** One-sentence summary for the index and the meta description. */
    description: z.string(),
    /** Position on the index page and in previous/next links. */
    order: z.number().int(),
    /** The works the page reproduces or discusses: keys in content/references.bib, listed with their authors and dates in the title block. */
    sources: z.array(z.string()).default([]),
    card,
  }),
});

export const collections = { writeups };
