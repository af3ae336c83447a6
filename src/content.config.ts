import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';
import { partSchema } from './lib/writeupParts';

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

/**
 * One MDX file per page, from content/. A writeup is one page, or several parts (`part`): the first part carries
 * the writeup's `order` and `card`, the later parts neither; numbering and `<Ref>` continue across the parts
 * (src/lib/writeupParts.ts groups them; the pages check the grouping).
 */
const writeups = defineCollection({
  loader: glob({ pattern: '*.mdx', base: './content' }),
  schema: z
    .object({
      /** Page title (a part's own title, e.g. "…, part 2: attention"). */
      title: z.string(),
      /** One-sentence summary for the index and the meta description. */
      description: z.string(),
      /** Position of the writeup on the index page and in previous/next links: on a writeup's first part only. */
      order: z.number().int().optional(),
      /** The works the page reproduces or discusses: keys in content/references.bib, listed with their authors and dates in the title block. */
      sources: z.array(z.string()).default([]),
      /** For a writeup split over several pages: which writeup this page is part of, and where (absent: a writeup of one page). */
      part: partSchema.optional(),
      /** The writeup's card on the home page: required on its first part, absent on the others (one card per writeup). */
      card: card.optional(),
    })
    .superRefine((data, ctx) => {
      const first = (data.part?.number ?? 1) === 1;
      if (first && data.order === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['order'], message: "required on a writeup's first part (its position on the home page)" });
      if (first && !data.card) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['card'], message: "required on a writeup's first part (the home page shows one card per writeup)" });
      if (!first && data.order !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['order'], message: `only the first part has one; part ${data.part!.number} follows part ${data.part!.number - 1}` });
      if (!first && data.card) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['card'], message: "only the first part has one: the home page shows one card per writeup" });
    }),
});

export const collections = { writeups };
