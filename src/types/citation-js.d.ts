// citation-js ships no type declarations; the site uses Cite (parse BibTeX / CSL-JSON, format) and the CSL plugin's engine.
declare module '@citation-js/core' {
  export class Cite {
    constructor(data: unknown);
    data: Record<string, any>[];
    format(format: string, options?: Record<string, unknown>): string;
  }
  export const plugins: { config: { get(name: string): any } };
}
declare module '@citation-js/plugin-bibtex';
declare module '@citation-js/plugin-csl';
