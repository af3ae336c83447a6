// The registry: the union of the pages' experiment lists, one line per page.
import type { AnyExperiment } from './runtime/experiment';
import { unionOfPages, type PageDefinition } from './runtime/page';
import { simplicityBiasPage } from './simplicity-bias/index';
import { saeErrorsPage } from './sae-errors/index';
import { superpositionPage } from './superposition/index';

export const pages: readonly PageDefinition[] = [
  superpositionPage,
  saeErrorsPage,
  simplicityBiasPage,
];

const union = unionOfPages(pages);
export const registry: readonly AnyExperiment[] = union.registry;
/** Experiment id → the slug of the page that owns it. */
export const pageOf: ReadonlyMap<string, string> = union.pageOf;
