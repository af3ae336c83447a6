// The experiments of /simplicity-bias/.
import { definePage } from '../runtime/page';
import { blindSpotCensus } from './blindSpotCensus';
import { footnoteStrips } from './footnoteStrips';
import { hyperparameters } from './hyperparameters';
import { llcPrior } from './llcPrior';
import { llcSgld } from './llcSgld';
import { volumeScaling } from './volumeScaling';
import { mapsPrior } from './mapsPrior';
import { mlpPrior, mlpPriorSmallBias } from './mlpPrior';

export const simplicityBiasPage = definePage({
  slug: 'simplicity-bias',
  experiments: [mlpPrior, mlpPriorSmallBias, mapsPrior, blindSpotCensus, footnoteStrips, hyperparameters, llcPrior, llcSgld, volumeScaling],
});
