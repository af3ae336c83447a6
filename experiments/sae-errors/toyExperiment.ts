/**
 * Setting A at one dimension d: a toy model whose features are known. Trains the heads (MLP, noise-trained MLP,
 * linear) and the SAEs on x = Σ e_i, then runs A1 (Gurnee's comparison), A2 (hypersphere scan), A3 (lines through
 * feature flips) and A4 (L0-preserving latent perturbations), for every head.
 */
import { z } from 'zod';
import { defineExperiment, type RunContext } from '../runtime/experiment';
import type { Rng } from '../runtime/rng';
import { matchEntropy, meanEntropy } from './bernoulliKl';
import { initHead, quadraticKl, readoffDirections, trainHead, HeadRunner, type Head } from './heads';
import { addScaled, CovDirections, KL_RESOLUTION, norm, randomUnit } from './perturbations';
import { decodeAll, encode, initSae, mmcs, trainSae, type Codes, type Sae } from './sae';
import { mean, partialSpearman, percentileOf, quantile, ratioOfMeans, spearman, median } from '../lib/pairedStats';
import { makeTask, sampleBatch, type ToyTask } from './toyData';
import { Evaluator, HEADS, type HeadName, type HeadSet } from './toyEval';
import { encodeWeights } from './weightsFile';
import { createLmOps } from './lmOps';
import { saeTrainSchema } from './saeTrainConfig';

const saeSpec = z
  .object({
    /** Name used in results, e.g. topk-1x. */
    name: z.string(),
    kind: z.enum(['topk', 'l1', 'oracle']),
    /** Latents per true feature (the oracle's decoder is the m features, so 1). */
    widthPerFeature: z.number().int().min(1).max(8),
    /** TopK's k (topk, oracle). */
    k: z.number().int().min(0),
    /** L1 coefficient (l1). */
    l1: z.number().nonnegative(),
  })
  .strict();

export const toyConfig = z
  .object({
    seed: z.number().int().nonnegative(),
    /** Activation dimension. */
    d: z.number().int().min(4).max(512),
    /** m = featuresPerDim·d features. */
    featuresPerDim: z.number().int().min(1).max(16),
    /** MLP hidden width = hiddenPerDim·d. */
    hiddenPerDim: z.number().int().min(1).max(16),
    /** AND outputs = pairsPerFeature·m designated pairs. */
    pairsPerFeature: z.number().positive(),
    /** Expected number of active features per sample. */
    meanActive: z.number().positive(),
    /** Probability that a sample turns on one designated AND pair (the rest are independent Bernoulli). */
    pairProb: z.number().min(0).max(1),
    /** Head training: Adam, fresh batches, held-out BCE every evalEvery steps, stop after `patience` evaluations without a relTol improvement, or at maxSteps. */
    headTrain: z.object({ maxSteps: z.number().int().min(1), batch: z.number().int().min(1), lr: z.number().positive(), evalEvery: z.number().int().min(1), patience: z.number().int().min(1), relTol: z.number().nonnegative(), heldOut: z.number().int().min(16) }).strict(),
    /** Norm of the isotropic noise added to x while training the noise-trained MLP (std noiseNorm/√d per coordinate). */
    noiseNorm: z.number().nonnegative(),
    /** Temperature control: each tempered head's logits are scaled so its mean clean entropy per output equals this (nats). */
    targetEntropy: z.number().positive(),
    saes: z.array(saeSpec).min(1),
    /** SAE training: Adam steps on fresh batches. */
    saeTrain: saeTrainSchema,
    /** A1 and A4: evaluation samples, ε-random draws per sample, bootstrap resamples. */
    nEval: z.number().int().min(8),
    randomDraws: z.number().int().min(1),
    resamples: z.number().int().min(50),
    /** A2: activations scanned, random directions, directions per feature-like class, radii; the verdict's radius is added: the main SAE's median error norm. */
    scan: z.object({ samples: z.number().int().min(2), randomDirs: z.number().int().min(8), perClass: z.number().int().min(2), radii: z.array(z.number().positive()).min(1) }).strict(),
    /** A2's angular profile in span(e_i, r⊥): activations, angle steps over 360°, radius. */
    angle: z.object({ samples: z.number().int().min(1), steps: z.number().int().min(8), radius: z.number().positive() }).strict(),
    /** A3: activations, t from 0 to tMax in steps of tStep. */
    line: z.object({ samples: z.number().int().min(1), tMax: z.number().positive(), tStep: z.number().positive() }).strict(),
    /** A4: relative jitter σ of active latents. */
    jitterSigma: z.number().positive(),
  })
  .strict();
export type ToyConfig = z.output<typeof toyConfig>;

/**
 * A ratio of mean KLs (SAE or perturbation over a baseline) with its bootstrap interval, and two per-sample
 * statistics with a floor of KL_RESOLUTION = 10⁻⁸ nats: medianLogRatio, the median over samples of 0 where the two
 * KLs differ by at most the floor, else log((a + floor)/(b + floor)); fracGreater, the share with a − b above the
 * floor (differences within it count one half).
 */
const ci = z.object({ ratio: z.number(), lo: z.number(), hi: z.number(), medianLogRatio: z.number(), fracGreater: z.number() });
const headRecord = <T extends z.ZodTypeAny>(t: T) => z.object(Object.fromEntries(HEADS.map((h) => [h, t])) as Record<HeadName, T>);

export const toyResult = z.object({
  d: z.number().int(),
  m: z.number().int(),
  hidden: z.number().int(),
  outputs: z.number().int(),
  q: z.number(),
  heads: z.array(z.object({ head: z.string(), steps: z.number().int(), stoppedBy: z.string(), heldOutBce: z.number(), /** Relative fall of the held-out BCE over the last quarter of the curve (0 for the untrained head). */ lastQuarterDrop: z.number(), featureErrorRate: z.number(), andRecall: z.number(), invTemp: z.number(), meanEntropy: z.number() })),
  curves: z.array(z.object({ model: z.string(), metric: z.enum(['heldOutBce', 'trainBce', 'fvu']), step: z.number().int(), value: z.number() })),
  saes: z.array(z.object({ name: z.string(), kind: z.string(), n: z.number().int(), k: z.number().int(), l1: z.number(), l0: z.number(), fvu: z.number(), deadFrac: z.number(), mmcs: z.number(), fracAbove09: z.number(), meanErrNorm: z.number(), decoderNormMaxDev: z.number() })),
  /** A1 mean KL and ΔBCE per SAE, head and condition. */
  a1: z.array(z.object({ sae: z.string(), head: z.string(), condition: z.string(), meanKl: z.number(), meanDBce: z.number() })),
  /** A1 ratios of mean KL: SAE splice over each baseline, with bootstrap CIs. */
  a1Ratios: z.array(z.object({ sae: z.string(), head: z.string(), vs: z.string() }).merge(ci)),
  /** The main SAE (first in config) per head: SAE/ε-random, SAE/cov-random, SAE/shuffled, norm-corrected/ε-random. */
  gurnee: headRecord(z.object({ vsRandom: ci, vsCov: ci, vsShuffled: ci, normCorrectedVsRandom: ci })),
  /** A2 per head, radius and direction class. */
  a2: z.array(z.object({ head: z.string(), radius: z.number(), cls: z.string(), klOverRandom: z.number(), medianPercentile: z.number(), fracAbove95: z.number() })),
  /** The radius of the (a) verdict: the main SAE's median error norm. */
  scanRadius: z.number(),
  /** A2 at scanRadius per head: the (a) statistics. */
  scan: headRecord(
    z.object({
      featureOverRandom: z.number(),
      /** Median over activations of the percentile of the median +e_i KL (mostly turning an inactive feature on) among random directions. */
      featurePercentile: z.number(),
      /** The same for −e_i of the same (mostly inactive) features: the sign asymmetry. */
      featureMinusPercentile: z.number(),
      saeColumnPercentile: z.number(),
      readoffPercentile: z.number(),
      covPercentile: z.number(),
      mixtureRatio: z.number(),
      spearmanMaxCos: z.number(),
      partialSpearmanGivenQ: z.number(),
      spearmanQ: z.number(),
    }),
  ),
  angle: z.array(z.object({ head: z.string(), theta: z.number(), kl: z.number() })),
  line: z.array(z.object({ head: z.string(), dir: z.string(), t: z.number(), kl: z.number() })),
  /** A3 per head: log-log slope of mean KL between the grid points nearest t = 0.2 and t = 0.5 (2 = quadratic), per line kind. */
  lineSlopes: headRecord(z.object({ featureOn: z.number(), featureOff: z.number(), random: z.number(), t0: z.number(), t1: z.number() })),
  /** A4: latent / ground-truth perturbations over ε-random at the same per-sample norm. */
  a4: z.array(z.object({ source: z.string(), mode: z.string(), head: z.string() }).merge(ci)),
  a4main: headRecord(z.object({ saeJitter: ci, saeSwap: ci, oracleJitter: ci, truthJitter: ci, truthSwap: ci, saeJitterLiteral: ci })),
  /** Wall seconds per phase; head training's FLOP rate per wall second and per CPU second of this process (the machine is shared). */
  timing: z.object({ headTrainSeconds: z.number(), headTrainCpuSeconds: z.number(), headTrainGflops: z.number(), headTrainGflopsPerCpuSecond: z.number(), saeTrainSeconds: z.number(), evalSeconds: z.number() }),
});
export type ToyResult = z.output<typeof toyResult>;

/**
 * Mean of the rank correlations that are defined. One is undefined (NaN) at an activation where every random
 * direction gives the same value, e.g. q(u) = 0 for an untrained MLP whose hidden units are all off there; none
 * defined gives 0 (no association measurable).
 */
function meanDefined(xs: number[]): number {
  const ok = xs.filter(Number.isFinite);
  return ok.length ? mean(ok) : 0;
}

function sampler(rng: Rng, task: ToyTask, batch: number) {
  const buf = sampleBatch(rng, task, batch);
  return {
    xy(x: Float32Array, y: Float32Array) {
      sampleBatch(rng, task, batch, buf);
      x.set(buf.x);
      y.set(buf.y);
    },
    x(x: Float32Array) {
      sampleBatch(rng, task, batch, buf);
      x.set(buf.x);
    },
  };
}

function accuracy(task: ToyTask, head: Head, tfRunner: HeadRunner, x: Float32Array, y: Float32Array, n: number) {
  const lg = tfRunner.logits(x, n);
  const { m, o } = task;
  let err = 0;
  let pos = 0;
  let tp = 0;
  let bce = 0;
  for (let r = 0; r < n; r++)
    for (let k = 0; k < o; k++) {
      const z0 = lg[r * o + k];
      const yy = y[r * o + k];
      bce += Math.max(z0, 0) - yy * z0 + Math.log1p(Math.exp(-Math.abs(z0)));
      const pr = z0 > 0 ? 1 : 0;
      if (k < m && pr !== yy) err++;
      if (k >= m && yy) {
        pos++;
        tp += pr;
      }
    }
  return { featureErrorRate: err / (n * m), andRecall: pos ? tp / pos : NaN, heldOutBce: bce / n, logits: lg, head };
}

export async function runToy(cfg: ToyConfig, ctx: RunContext): Promise<ToyResult> {
  const { tf } = ctx;
  const d = cfg.d;
  const m = cfg.featuresPerDim * d;
  const hidden = cfg.hiddenPerDim * d;
  const task = makeTask(ctx.rng('task'), d, m, Math.max(1, Math.round(cfg.pairsPerFeature * m)), cfg.meanActive, cfg.pairProb);
  const o = task.o;
  const held = sampleBatch(ctx.rng('heldOut'), task, cfg.headTrain.heldOut);
  const baseLogit = Math.log(cfg.meanActive / m);
  const curves: ToyResult['curves'] = [];
  const ht = cfg.headTrain;
  const totalSteps = 3 * ht.maxSteps + cfg.saes.length * cfg.saeTrain.steps;
  const bar = ctx.progress(`d=${d}: training`, totalSteps);

  // Heads. The untrained MLP is the trained MLP's initialisation.
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const ops = await createLmOps(tf);
  const mlpInit = initHead(ctx.rng('init/mlp'), 'mlp', d, hidden, o, baseLogit);
  const train = (name: string, init: Head, noise: number) => {
    const s = sampler(ctx.rng(`data/${name}`), task, ht.batch);
    const r = trainHead(tf, init, { ...ht, inputNoise: noise, sample: s.xy, heldOut: { x: held.x, y: held.y, n: held.n }, noiseRng: ctx.rng(`noise/${name}`), onStep: () => bar.tick() }, ops);
    bar.tick(ht.maxSteps - r.steps);
    for (const c of r.curve) curves.push({ model: name, metric: 'heldOutBce', step: c.step, value: c.heldOut }, { model: name, metric: 'trainBce', step: c.step, value: c.train });
    return r;
  };
  const mlp = train('mlp', mlpInit, 0);
  const noiseMlp = train('noiseMlp', initHead(ctx.rng('init/noiseMlp'), 'mlp', d, hidden, o, baseLogit), cfg.noiseNorm / Math.sqrt(d));
  const linear = train('linear', initHead(ctx.rng('init/linear'), 'linear', d, o, o, baseLogit), 0);
  const headTrainSeconds = (performance.now() - t0) / 1000;
  const cpu1 = process.cpuUsage(cpu0);
  const headTrainCpuSeconds = (cpu1.user + cpu1.system) / 1e6;
  const flopPerSample = (h: Head) => 6 * (h.kind === 'mlp' ? d * hidden + hidden * o : d * o);
  const headTrainFlop = ((mlp.steps + noiseMlp.steps) * flopPerSample(mlp.head) + linear.steps * flopPerSample(linear.head)) * ht.batch;
  const headTrainGflops = headTrainFlop / headTrainSeconds / 1e9;
  const trained = { mlp: mlp.head, noiseMlp: noiseMlp.head, linear: linear.head, untrained: mlpInit };

  // Temperature control: match the mean clean entropy per output.
  const heldLogits: Record<string, Float32Array> = {};
  const headRows: ToyResult['heads'] = [];
  const steps: Record<string, { steps: number; stoppedBy: string; curve: { heldOut: number }[] }> = { mlp, noiseMlp, linear, untrained: { steps: 0, stoppedBy: 'untrained', curve: [] } };
  const lastQuarterDrop = (c: { heldOut: number }[]) => (c.length < 4 ? 0 : 1 - c[c.length - 1].heldOut / c[Math.floor((3 * (c.length - 1)) / 4)].heldOut);
  for (const [name, head] of Object.entries(trained)) {
    const runner = new HeadRunner(tf, head);
    const acc = accuracy(task, head, runner, held.x, held.y, held.n);
    runner.dispose();
    heldLogits[name] = acc.logits;
    headRows.push({ head: name, steps: steps[name].steps, stoppedBy: steps[name].stoppedBy, heldOutBce: acc.heldOutBce, lastQuarterDrop: lastQuarterDrop(steps[name].curve), featureErrorRate: acc.featureErrorRate, andRecall: acc.andRecall, invTemp: 1, meanEntropy: meanEntropy(acc.logits, 1) });
  }
  const invTemp = Object.fromEntries(HEADS.map((h) => [h, 1])) as Record<HeadName, number>;
  for (const [h, b] of [['mlpTemp', 'mlp'], ['linearTemp', 'linear']] as const) {
    invTemp[h] = matchEntropy(heldLogits[b], cfg.targetEntropy);
    const base = headRows.find((r) => r.head === b)!;
    headRows.push({ ...base, head: h, invTemp: invTemp[h], meanEntropy: meanEntropy(heldLogits[b], invTemp[h]) });
  }
  const set: HeadSet = { heads: trained, invTemp };

  // SAEs.
  const t1 = performance.now();
  const dataMean = new Float32Array(d);
  for (let r = 0; r < held.n; r++) for (let c = 0; c < d; c++) dataMean[c] += held.x[r * d + c] / held.n;
  let totalVariance = 0;
  for (let r = 0; r < held.n; r++) for (let c = 0; c < d; c++) totalVariance += (held.x[r * d + c] - dataMean[c]) ** 2 / held.n;
  const saes: Sae[] = [];
  for (const spec of cfg.saes) {
    const s = sampler(ctx.rng(`data/sae/${spec.name}`), task, cfg.saeTrain.batch);
    const init = initSae(ctx.rng(`init/sae/${spec.name}`), { kind: spec.kind, n: spec.widthPerFeature * m, k: spec.k, l1: spec.l1 }, d, dataMean, task.E);
    const r = trainSae(tf, init, { ...cfg.saeTrain, curvePoints: 20, totalVariance, sample: s.x, onStep: () => bar.tick() });
    for (const c of r.curve) curves.push({ model: `sae:${spec.name}`, metric: 'fvu', step: c.step, value: c.fvu });
    saes.push(r.sae);
  }
  bar.done();
  const saeTrainSeconds = (performance.now() - t1) / 1000;

  // Evaluation set.
  const t2 = performance.now();
  const ev = sampleBatch(ctx.rng('eval'), task, cfg.nEval);
  const N = ev.n;
  const evaluator = new Evaluator(tf, set, ev.x, N, ev.y);
  const cov = new CovDirections(d, held.x, held.n);
  const R = cfg.randomDraws;
  const evalBar = ctx.progress(`d=${d}: evaluation`, cfg.saes.length + 3);

  const saeRows: ToyResult['saes'] = [];
  const a1: ToyResult['a1'] = [];
  const a1Ratios: ToyResult['a1Ratios'] = [];
  const codesBySae: Codes[] = [];
  const epsBySae: Float64Array[] = [];
  const xhatBySae: Float32Array[] = [];
  const epsRandomKl: Record<HeadName, Float64Array>[] = [];
  const gurnee = {} as ToyResult['gurnee'];
  const brng = ctx.rng('bootstrap');
  cfg.saes.forEach((spec, si) => {
    const sae = saes[si];
    const codes = encode(tf, sae, ev.x, N);
    const xh = decodeAll(sae, codes);
    codesBySae.push(codes);
    xhatBySae.push(xh);
    const eps = new Float64Array(N);
    let se = 0;
    const fired = new Uint8Array(sae.n);
    let l0 = 0;
    for (let r = 0; r < N; r++) {
      let s2 = 0;
      for (let c = 0; c < d; c++) s2 += (ev.x[r * d + c] - xh[r * d + c]) ** 2;
      eps[r] = Math.sqrt(s2);
      se += s2;
      l0 += codes.idx[r].length;
      for (const j of codes.idx[r]) fired[j] = 1;
    }
    let maxDev = 0;
    for (let j = 0; j < sae.n; j++) maxDev = Math.max(maxDev, Math.abs(norm(sae.Wdec, j * d, d) - 1));
    const mm = mmcs(sae, task.E, m);
    saeRows.push({ name: spec.name, kind: spec.kind, n: sae.n, k: spec.k, l1: spec.l1, l0: l0 / N, fvu: se / N / totalVariance, deadFrac: 1 - fired.reduce((a, b) => a + b, 0) / sae.n, mmcs: mm.mmcs, fracAbove09: mm.fracAbove09, meanErrNorm: mean(eps), decoderNormMaxDev: maxDev });

    // Conditions, stacked: splice, norm-corrected, cov-random, shuffled, then R ε-random draws.
    const rng = ctx.rng(`a1/${spec.name}`);
    const C = 4 + R;
    const X = new Float32Array(C * N * d);
    const perm = Array.from({ length: N }, (_, i) => (i + 1 + rng.int(N - 1)) % N);
    for (let r = 0; r < N; r++) {
      const xo = r * d;
      X.set(xh.subarray(xo, xo + d), (0 * N + r) * d);
      const nx = norm(ev.x, xo, d);
      const nh = norm(xh, xo, d);
      for (let c = 0; c < d; c++) X[(1 * N + r) * d + c] = nh > 0 ? (xh[xo + c] * nx) / nh : 0;
      addScaled(ev.x, xo, cov.sample(rng), 0, d, eps[r], X, (2 * N + r) * d);
      const j = perm[r];
      const err = new Float64Array(d);
      for (let c = 0; c < d; c++) err[c] = xh[j * d + c] - ev.x[j * d + c];
      addScaled(ev.x, xo, err, 0, d, eps[r], X, (3 * N + r) * d);
      for (let t = 0; t < R; t++) addScaled(ev.x, xo, randomUnit(rng, d), 0, d, eps[r], X, ((4 + t) * N + r) * d);
    }
    const res = evaluator.kl(X, C * N, (row) => row % N, true);
    const names = ['sae', 'normCorrected', 'covRandom', 'shuffled'];
    const rand = {} as Record<HeadName, Float64Array>;
    for (const h of HEADS) {
      const kl = res.kl[h];
      const bce = res.bce![h];
      const part = (c: number) => kl.subarray(c * N, (c + 1) * N);
      const randKl = new Float64Array(N);
      const randBce = new Float64Array(N);
      for (let t = 0; t < R; t++)
        for (let r = 0; r < N; r++) {
          randKl[r] += kl[(4 + t) * N + r] / R;
          randBce[r] += bce[(4 + t) * N + r] / R;
        }
      rand[h] = randKl;
      // ΔBCE against the clean head's own BCE on the same sample.
      const cleanLogitsBce = evaluator.cleanBce(h);
      const dBce = (c: number) => {
        let s = 0;
        for (let r = 0; r < N; r++) s += bce[c * N + r] - cleanLogitsBce[r];
        return s / N;
      };
      names.forEach((nm, c) => a1.push({ sae: spec.name, head: h, condition: nm, meanKl: mean(part(c)), meanDBce: dBce(c) }));
      let rb = 0;
      for (let r = 0; r < N; r++) rb += randBce[r] - cleanLogitsBce[r];
      a1.push({ sae: spec.name, head: h, condition: 'epsRandom', meanKl: mean(randKl), meanDBce: rb / N });
      const vs = {
        vsRandom: ratioOfMeans(brng, part(0), randKl, cfg.resamples, KL_RESOLUTION),
        vsCov: ratioOfMeans(brng, part(0), part(2), cfg.resamples, KL_RESOLUTION),
        vsShuffled: ratioOfMeans(brng, part(0), part(3), cfg.resamples, KL_RESOLUTION),
        normCorrectedVsRandom: ratioOfMeans(brng, part(1), randKl, cfg.resamples, KL_RESOLUTION),
      };
      for (const [k, v] of Object.entries(vs)) a1Ratios.push({ sae: spec.name, head: h, vs: k, ...v });
      if (si === 0) gurnee[h] = vs;
    }
    epsRandomKl.push(rand);
    epsBySae.push(eps);
    evalBar.tick();
  });

  // A4: L0-preserving perturbations of the main SAE's latents, the oracle's, and of the true features,
  // each rescaled to the sample's main-SAE error norm and compared with that sample's ε-random KL.
  const a4: ToyResult['a4'] = [];
  const a4main = {} as ToyResult['a4main'];
  {
    const rng = ctx.rng('a4');
    const mainEps: Float64Array = epsBySae[0];
    const oracleIdx = cfg.saes.findIndex((s) => s.kind === 'oracle');
    const sources: { source: string; mode: string; delta: (r: number, out: Float64Array) => boolean }[] = [];
    const latentDelta = (sae: Sae, codes: Codes, mode: 'jitter' | 'swap') => (r: number, out: Float64Array) => {
      out.fill(0);
      const idx = codes.idx[r];
      const val = codes.val[r];
      if (idx.length === 0) return false;
      if (mode === 'jitter') {
        for (let t = 0; t < idx.length; t++) {
          const nv = Math.max(0, val[t] * (1 + cfg.jitterSigma * rng.normal()));
          for (let c = 0; c < d; c++) out[c] += (nv - val[t]) * sae.Wdec[idx[t] * d + c];
        }
      } else {
        const t = rng.int(idx.length);
        let l = rng.int(sae.n);
        while (idx.includes(l)) l = rng.int(sae.n);
        for (let c = 0; c < d; c++) out[c] = val[t] * (sae.Wdec[l * d + c] - sae.Wdec[idx[t] * d + c]);
      }
      return norm(out) > 0;
    };
    const truthDelta = (mode: 'jitter' | 'swap') => (r: number, out: Float64Array) => {
      out.fill(0);
      const act = ev.active[r];
      if (act.length === 0) return false;
      if (mode === 'jitter') {
        for (const i of act) {
          const g = cfg.jitterSigma * rng.normal();
          for (let c = 0; c < d; c++) out[c] += g * task.E[i * d + c];
        }
      } else {
        const i = act[rng.int(act.length)];
        let l = rng.int(m);
        while (act.includes(l)) l = rng.int(m);
        for (let c = 0; c < d; c++) out[c] = task.E[l * d + c] - task.E[i * d + c];
      }
      return true;
    };
    sources.push({ source: `sae:${cfg.saes[0].name}`, mode: 'jitter', delta: latentDelta(saes[0], codesBySae[0], 'jitter') });
    sources.push({ source: `sae:${cfg.saes[0].name}`, mode: 'swap', delta: latentDelta(saes[0], codesBySae[0], 'swap') });
    if (oracleIdx >= 0) {
      sources.push({ source: 'oracle', mode: 'jitter', delta: latentDelta(saes[oracleIdx], codesBySae[oracleIdx], 'jitter') });
      sources.push({ source: 'oracle', mode: 'swap', delta: latentDelta(saes[oracleIdx], codesBySae[oracleIdx], 'swap') });
    }
    sources.push({ source: 'truth', mode: 'jitter', delta: truthDelta('jitter') });
    sources.push({ source: 'truth', mode: 'swap', delta: truthDelta('swap') });
    const S = sources.length;
    const X = new Float32Array((S + 2) * N * d);
    const ok = sources.map(() => new Uint8Array(N));
    const delta = new Float64Array(d);
    sources.forEach((src, si) => {
      for (let r = 0; r < N; r++) {
        ok[si][r] = src.delta(r, delta) ? 1 : 0;
        addScaled(ev.x, r * d, delta, 0, d, mainEps[r], X, (si * N + r) * d);
      }
    });
    // Literal version: decode the jittered latents, compare with ε' = ‖x − x̂'‖ random.
    const codes0 = codesBySae[0];
    const epsLit = new Float64Array(N);
    for (let r = 0; r < N; r++) {
      const idx = codes0.idx[r];
      const val = Float32Array.from(codes0.val[r], (v) => Math.max(0, v * (1 + cfg.jitterSigma * rng.normal())));
      const off = (S * N + r) * d;
      for (let c = 0; c < d; c++) X[off + c] = saes[0].bdec[c];
      for (let t = 0; t < idx.length; t++) for (let c = 0; c < d; c++) X[off + c] += val[t] * saes[0].Wdec[idx[t] * d + c];
      let s2 = 0;
      for (let c = 0; c < d; c++) s2 += (X[off + c] - ev.x[r * d + c]) ** 2;
      epsLit[r] = Math.sqrt(s2);
      addScaled(ev.x, r * d, randomUnit(rng, d), 0, d, epsLit[r], X, ((S + 1) * N + r) * d);
    }
    const res = evaluator.kl(X, (S + 2) * N, (row) => row % N);
    for (const h of HEADS) {
      const kl = res.kl[h];
      const rand = epsRandomKl[0][h];
      const named: Record<string, z.output<typeof ci>> = {};
      sources.forEach((src, si) => {
        const a: number[] = [];
        const b: number[] = [];
        for (let r = 0; r < N; r++) if (ok[si][r]) {
          a.push(kl[si * N + r]);
          b.push(rand[r]);
        }
        const v = ratioOfMeans(brng, a, b, cfg.resamples, KL_RESOLUTION);
        a4.push({ source: src.source, mode: src.mode, head: h, ...v });
        named[`${src.source.startsWith('sae') ? 'sae' : src.source}${src.mode === 'jitter' ? 'Jitter' : 'Swap'}`] = v;
      });
      const lit = ratioOfMeans(brng, kl.subarray(S * N, (S + 1) * N), kl.subarray((S + 1) * N, (S + 2) * N), cfg.resamples, KL_RESOLUTION);
      a4.push({ source: `sae:${cfg.saes[0].name}`, mode: 'jitterLiteral', head: h, ...lit });
      a4main[h] = { saeJitter: named.saeJitter, saeSwap: named.saeSwap, oracleJitter: named.oracleJitter ?? named.saeJitter, truthJitter: named.truthJitter, truthSwap: named.truthSwap, saeJitterLiteral: lit };
    }
    evalBar.tick();
  }

  // A2: hypersphere scan.
  const a2: ToyResult['a2'] = [];
  const scan = {} as ToyResult['scan'];
  let scanRadius = NaN;
  {
    const rng = ctx.rng('a2');
    const sc = cfg.scan;
    const ns = Math.min(sc.samples, N);
    const P = sc.perClass;
    const readoffs = readoffDirections(trained.mlp);
    const dirs: { cls: string; v: Float64Array; feats?: number[] }[] = [];
    for (let t = 0; t < sc.randomDirs; t++) dirs.push({ cls: 'random', v: randomUnit(rng, d) });
    const feats = rng.sampleDistinct(m, P);
    const row = (M: ArrayLike<number>, i: number, sign = 1) => Float64Array.from({ length: d }, (_, c) => sign * M[i * d + c]);
    for (const i of feats) dirs.push({ cls: 'feature+', v: row(task.E, i), feats: [i] });
    for (const i of feats) dirs.push({ cls: 'feature−', v: row(task.E, i, -1), feats: [i] });
    const cols = rng.sampleDistinct(saes[0].n, P);
    for (const j of cols) dirs.push({ cls: 'saeColumn±', v: row(saes[0].Wdec, j, rng.uniform() < 0.5 ? 1 : -1) });
    const ro = rng.sampleDistinct(trained.mlp.h, P);
    for (const j of ro) dirs.push({ cls: 'readoff±', v: row(readoffs, j, rng.uniform() < 0.5 ? 1 : -1) });
    for (let t = 0; t + 1 < P; t += 2) {
      const [i, j] = [feats[t], feats[t + 1]];
      dirs.push({ cls: 'mixture', v: Float64Array.from({ length: d }, (_, c) => (task.E[i * d + c] + task.E[j * d + c]) / Math.SQRT2), feats: [t, t + 1] });
    }
    for (let t = 0; t < P; t++) dirs.push({ cls: 'covRandom', v: cov.sample(rng) });
    const D = dirs.length;
    const mainRadius = median(epsBySae[0]);
    scanRadius = mainRadius;
    const radii = [...new Set([...sc.radii, mainRadius])].sort((a, b) => a - b);
    const X = new Float32Array(radii.length * ns * D * d);
    radii.forEach((rad, ri) => {
      for (let s = 0; s < ns; s++) for (let t = 0; t < D; t++) addScaled(ev.x, s * d, dirs[t].v, 0, d, rad, X, ((ri * ns + s) * D + t) * d);
    });
    const res = evaluator.kl(X, radii.length * ns * D, (r) => Math.floor(r / D) % ns);
    // max |cos| of each random direction with any feature, and q(u) per sample.
    const randIdx = dirs.map((v, t) => (v.cls === 'random' ? t : -1)).filter((t) => t >= 0);
    const maxCos = randIdx.map((t) => {
      let best = 0;
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += dirs[t].v[c] * task.E[i * d + c];
        best = Math.max(best, Math.abs(s));
      }
      return best;
    });
    const randDirs = new Float32Array(randIdx.length * d);
    randIdx.forEach((t, k) => randDirs.set(dirs[t].v, k * d));
    const classes = [...new Set(dirs.map((x) => x.cls))].filter((c) => c !== 'random');
    for (const h of HEADS) {
      const kl = res.kl[h];
      const at = (ri: number, s: number, t: number) => kl[(ri * ns + s) * D + t];
      radii.forEach((rad, ri) => {
        const randMean = mean(Array.from({ length: ns * randIdx.length }, (_, u) => at(ri, Math.floor(u / randIdx.length), randIdx[u % randIdx.length])));
        const stats: Record<string, { over: number; pct: number; frac95: number }> = {};
        for (const cls of classes) {
          const idx = dirs.map((v, t) => (v.cls === cls ? t : -1)).filter((t) => t >= 0);
          const pcts: number[] = [];
          let above = 0;
          let sum = 0;
          for (let s = 0; s < ns; s++) {
            const rk = randIdx.map((t) => at(ri, s, t));
            const ck = idx.map((t) => at(ri, s, t));
            sum += mean(ck);
            const med = median(ck);
            pcts.push(percentileOf(rk, med));
            if (med > quantile(rk, 0.95)) above++;
          }
          stats[cls] = { over: sum / ns / randMean, pct: median(pcts), frac95: above / ns };
          a2.push({ head: h, radius: rad, cls, klOverRandom: stats[cls].over, medianPercentile: stats[cls].pct, fracAbove95: above / ns });
        }
        if (rad === mainRadius) {
          // Mixture ratio KL((e_i+e_j)/√2) / mean(KL(e_i), KL(e_j)), ratio of means over samples and pairs.
          let mixSum = 0;
          let pureSum = 0;
          const fIdx = dirs.map((v, t) => (v.cls === 'feature+' ? t : -1)).filter((t) => t >= 0);
          dirs.forEach((v, t) => {
            if (v.cls !== 'mixture') return;
            for (let s = 0; s < ns; s++) {
              mixSum += at(ri, s, t);
              pureSum += (at(ri, s, fIdx[v.feats![0]]) + at(ri, s, fIdx[v.feats![1]])) / 2;
            }
          });
          const rhos: number[] = [];
          const partials: number[] = [];
          const rq: number[] = [];
          for (let s = 0; s < ns; s++) {
            const y = randIdx.map((t) => at(ri, s, t));
            const q = quadraticKl(trained[h === 'mlpTemp' ? 'mlp' : h === 'linearTemp' ? 'linear' : h], ev.x.subarray(s * d, (s + 1) * d), randDirs, randIdx.length, invTemp[h]);
            rhos.push(spearman(y, maxCos));
            partials.push(partialSpearman(y, maxCos, q));
            rq.push(spearman(y, q));
          }
          scan[h] = {
            featureOverRandom: stats['feature+'].over,
            featurePercentile: stats['feature+'].pct,
            featureMinusPercentile: stats['feature−'].pct,
            saeColumnPercentile: stats['saeColumn±'].pct,
            readoffPercentile: stats['readoff±'].pct,
            covPercentile: stats['covRandom'].pct,
            mixtureRatio: mixSum / pureSum,
            spearmanMaxCos: meanDefined(rhos),
            partialSpearmanGivenQ: meanDefined(partials),
            spearmanQ: meanDefined(rq),
          };
        }
      });
    }
    evalBar.tick();
  }

  // A2 angular profile and A3 lines.
  const angle: ToyResult['angle'] = [];
  const line: ToyResult['line'] = [];
  const lineSlopes = {} as ToyResult['lineSlopes'];
  {
    const rng = ctx.rng('a3');
    const an = cfg.angle;
    const na = Math.min(an.samples, N);
    const Xa = new Float32Array(na * an.steps * d);
    for (let s = 0; s < na; s++) {
      let i = rng.int(m);
      while (ev.active[s].includes(i)) i = rng.int(m);
      const e = Float64Array.from({ length: d }, (_, c) => task.E[i * d + c]);
      const r = randomUnit(rng, d);
      let dot = 0;
      for (let c = 0; c < d; c++) dot += r[c] * e[c];
      for (let c = 0; c < d; c++) r[c] -= dot * e[c];
      const nr = norm(r);
      for (let c = 0; c < d; c++) r[c] /= nr;
      for (let t = 0; t < an.steps; t++) {
        const th = (2 * Math.PI * t) / an.steps;
        const v = Float64Array.from({ length: d }, (_, c) => Math.cos(th) * e[c] + Math.sin(th) * r[c]);
        addScaled(ev.x, s * d, v, 0, d, an.radius, Xa, (s * an.steps + t) * d);
      }
    }
    const ra = evaluator.kl(Xa, na * an.steps, (r) => Math.floor(r / an.steps));
    for (const h of HEADS)
      for (let t = 0; t < an.steps; t++) {
        let s2 = 0;
        for (let s = 0; s < na; s++) s2 += ra.kl[h][s * an.steps + t];
        angle.push({ head: h, theta: (360 * t) / an.steps, kl: s2 / na });
      }

    const ln = cfg.line;
    const nl = Math.min(ln.samples, N);
    const ts = Array.from({ length: Math.round(ln.tMax / ln.tStep) + 1 }, (_, k) => k * ln.tStep);
    const kinds = ['+feature (off→on)', '−feature (on→off)', 'random'] as const;
    const Xl = new Float32Array(nl * kinds.length * ts.length * d);
    for (let s = 0; s < nl; s++) {
      let i = rng.int(m);
      while (ev.active[s].includes(i)) i = rng.int(m);
      const act = ev.active[s];
      const vs = [Float64Array.from({ length: d }, (_, c) => task.E[i * d + c]), act.length ? Float64Array.from({ length: d }, (_, c) => -task.E[act[rng.int(act.length)] * d + c]) : randomUnit(rng, d), randomUnit(rng, d)];
      vs.forEach((v, k) => ts.forEach((t, ti) => addScaled(ev.x, s * d, v, 0, d, t, Xl, ((s * kinds.length + k) * ts.length + ti) * d)));
    }
    const rl = evaluator.kl(Xl, nl * kinds.length * ts.length, (r) => Math.floor(r / (kinds.length * ts.length)));
    const i0 = ts.reduce((b, t, i) => (Math.abs(t - 0.2) < Math.abs(ts[b] - 0.2) ? i : b), 1);
    const i1 = ts.reduce((b, t, i) => (Math.abs(t - 0.5) < Math.abs(ts[b] - 0.5) ? i : b), 1);
    const meanAt = (h: HeadName, k: number, ti: number) => {
      let s2 = 0;
      for (let s = 0; s < nl; s++) s2 += rl.kl[h][(s * kinds.length + k) * ts.length + ti];
      return s2 / nl;
    };
    const slope = (h: HeadName, k: number) => Math.log(meanAt(h, k, i1) / meanAt(h, k, i0)) / Math.log(ts[i1] / ts[i0]);
    for (const h of HEADS) lineSlopes[h] = { featureOn: slope(h, 0), featureOff: slope(h, 1), random: slope(h, 2), t0: ts[i0], t1: ts[i1] };
    for (const h of HEADS)
      kinds.forEach((kind, k) =>
        ts.forEach((t, ti) => {
          let s2 = 0;
          for (let s = 0; s < nl; s++) s2 += rl.kl[h][(s * kinds.length + k) * ts.length + ti];
          line.push({ head: h, dir: kind, t, kl: s2 / nl });
        }),
      );
    evalBar.tick();
  }
  evalBar.done();
  evaluator.dispose();
  const evalSeconds = (performance.now() - t2) / 1000;

  await ctx.writeSideFile('mlp.weights', encodeWeights({ W1: mlp.head.W1, b1: mlp.head.b1, W2: mlp.head.W2!, b2: mlp.head.b2! }));
  await ctx.writeSideFile(`sae-${cfg.saes[0].name}.weights`, encodeWeights({ Wenc: saes[0].Wenc, benc: saes[0].benc, Wdec: saes[0].Wdec, bdec: saes[0].bdec }));

  return { d, m, hidden, outputs: o, q: task.q, heads: headRows, curves, saes: saeRows, a1, a1Ratios, gurnee, a2, scanRadius, scan, angle, line, lineSlopes, a4, a4main, timing: { headTrainSeconds, headTrainCpuSeconds, headTrainGflops, headTrainGflopsPerCpuSecond: headTrainFlop / headTrainCpuSeconds / 1e9, saeTrainSeconds, evalSeconds } };
}

/** The seed of the primary run at each d; other seeds get their own experiment id (…-seedN). */
export const PRIMARY_SEED = 11;

export function toyExperiment(d: number, profiles: { quick: Partial<z.input<typeof toyConfig>>; full: Partial<z.input<typeof toyConfig>> }, seed = PRIMARY_SEED) {
  const base: z.input<typeof toyConfig> = {
    seed,
    d,
    featuresPerDim: 4,
    hiddenPerDim: 2,
    pairsPerFeature: 0.25,
    meanActive: 3,
    pairProb: 0.5,
    headTrain: { maxSteps: 8000, batch: 256, lr: 3e-3, evalEvery: 100, patience: 3, relTol: 0.01, heldOut: 2048 },
    noiseNorm: 0.3,
    targetEntropy: 0.01,
    saes: [
      { name: 'topk-1x', kind: 'topk', widthPerFeature: 1, k: 3, l1: 0 },
      { name: 'topk-2x', kind: 'topk', widthPerFeature: 2, k: 3, l1: 0 },
      { name: 'l1-lo', kind: 'l1', widthPerFeature: 1, k: 0, l1: 0.2 },
      { name: 'l1-hi', kind: 'l1', widthPerFeature: 1, k: 0, l1: 0.5 },
      { name: 'oracle', kind: 'oracle', widthPerFeature: 1, k: 3, l1: 0 },
    ],
    saeTrain: { steps: 600, batch: 256, lr: 3e-3, auxK: { k: 16, coef: 1 / 32, deadAfter: 25_600 } },
    nEval: 1024,
    randomDraws: 4,
    resamples: 1000,
    scan: { samples: 24, randomDirs: 128, perClass: 32, radii: [0.1, 0.25, 0.5, 1] },
    angle: { samples: 8, steps: 72, radius: 0.5 },
    line: { samples: 32, tMax: 1.5, tStep: 0.05 },
    jitterSigma: 0.3,
  };
  const merge = (p: Partial<z.input<typeof toyConfig>>) => ({ ...base, ...p });
  return defineExperiment({
    id: seed === PRIMARY_SEED ? `sae-toy-d${d}` : `sae-toy-d${d}-seed${seed}`,
    title: `SAE errors in a toy model with known features, d = ${d}${seed === PRIMARY_SEED ? '' : ` (seed ${seed})`}`,
    description: `Setting A at d = ${d}, m = 4d: heads (MLP, noise-trained MLP, linear, untrained; temperature-matched copies) and SAEs (TopK at two widths, L1, oracle decoder) on x = Σ e_i; A1 splice versus norm-matched baselines, A2 hypersphere scan, A3 lines, A4 L0-preserving latent perturbations.`,
    module: import.meta.url,
    config: toyConfig,
    profiles: { quick: merge(profiles.quick), full: merge(profiles.full) },
    result: toyResult,
    timeLimitSeconds: { quick: 90, full: 1800 },
    tolerances: { 'timing.*': { measured: true } },
    run: runToy,
  });
}
