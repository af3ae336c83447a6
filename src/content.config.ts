import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';

/** One MDX writeup per page, from content/. */
const writeups = defineCollection({
  loader: glob({ pattern: '*.mdx', base: './content' }),
  schema: z.object({
    /** Page title. */
    title: z.string(),
    /** One-sentence summary for the index and the meta description. */
    description: z.string(),
    /** Position on the index page. */
    order: z.number().int(),
  }),
});

export const collections = { writeups };
