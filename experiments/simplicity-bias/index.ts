// The experiments of the /simplicity-bias/ page.
import type { AnyExperiment } from '../runtime/experiment';
import { blindSpotCensus } from './blindSpotCensus';
import { footnoteStrips } from './footnoteStrips';
import { hyperparameters } from './hyperparameters';
import { mapsPrior } from './mapsPrior';
import { mlpPrior, mlpPriorSmallBias } from './mlpPrior';

export const simplicityBiasExperiments: readonly AnyExperiment[] = [mlpPrior, mlpPriorSmallBias, mapsPrior, blindSpotCensus, footnoteStrips, hyperparameters];
