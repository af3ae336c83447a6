// The experiments of /simplicity-bias/.
import { definePage } from '../runtime/page';
import { blindSpotCensus } from './blindSpotCensus';
import { footnoteStrips } from './footnoteStrips';
import { hyperparameters } from './hyperparameters';
import { mapsPrior } from './mapsPrior';
import { mlpPrior, mlpPriorSmallBias } from './mlpPrior';

export const simplicityBiasPage = definePage({
  slug: 'simplicity-bias',
  experiments: [mlpPrior, mlpPriorSmallBias, mapsPrior, blindSpotCensus, footnoteStrips, hyperparameters],
});
