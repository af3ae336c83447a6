// The experiments of the /sae-errors/ page.
import type { AnyExperiment } from '../runtime/experiment';
import { toyD16, toyD32, toyD64 } from './toySettings';
import { toySweep } from './toySweep';

export const saeErrorsExperiments: readonly AnyExperiment[] = [toyD16, toyD32, toyD64, toySweep];
