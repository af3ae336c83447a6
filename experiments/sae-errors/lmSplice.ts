/**
 * Setting B, step 2: SAEs on the language model's residual stream before block `hook`, and the three tests.
 * B1 (Gurnee): splice each SAE's reconstruction at every position and compare the next-character KL with
 *   norm-matched baselines (ε-random, covariance-matched random, another token's SAE error), per token.
 * B2 (prediction (a)): perturb one position (the window's last) at fixed radii along SAE decoder rows, the token's own
 *   active latents' rows, mixtures of two rows, random, covariance-matched, PCA and data-difference directions.
 * B3 (prediction (b)): L0-preserving jitter and swap of the SAE latents, decoded and rescaled to each token's SAE
 *   error norm, against the same token's ε-random perturbation.
 */
import { z } from 'zod';
import { defineExperiment, type RunContext } from '../runtime/experiment';
import type { Rng } from '../runtime/rng';
import { mean, median, percentileOf, ratioOfMeans } from '../lib/pairedStats';
import { LmRunner } from './charLm';
import { createLmOps } from './lmOps';
import { cleanLogProbs, klAndCe } from './categoricalKl';
import { loadSotu, sampleWindows } from './corpus';
import { lmTrain, shapeOf } from './lmTrain';

/** A language-model experiment whose weights the splice reads (`sae-lm` or a replicate with another seed). */
export type LmTrainDefinition = typeof lmTrain;
import { principalDirections } from './pca';
import { addScaled, CovDirections, KL_RESOLUTION, norm, randomUnit } from './perturbations';
import { decodeAll, encode, initSae, trainSae, type Codes, type Sae } from './sae';
import { decodeWeights, encodeWeights } from './weightsFile';
import { saeTrainSchema } from './saeTrainConfig';

const lmSaeSpec = z.object({ name: z.string(), kind: z.enum(['topk', 'l1']), width: z.number().int().min(8), k: z.number().int().min(0), l1: z.number().nonnegative() }).strict();

export const lmSpliceConfig = z
  .object({
    seed: z.number().int().nonnegative(),
    /** The residual stream before this block is encoded and patched. */
    hook: z.number().int().min(0),
    /** Training activations for the SAEs: windows of the training text, every position. */
    bankWindows: z.number().int().min(4),
    saes: z.array(lmSaeSpec).min(1),
    /** The SAE used by B2 and B3 (a name from `saes`). */
    mainSae: z.string(),
    /** SAE training: Adam steps on batches drawn from the bank. */
    saeTrain: saeTrainSchema,
    /** B1/B3: held-out windows (every position patched and scored), ε-random draws per token, bootstrap resamples over windows. */
    evalWindows: z.number().int().min(4),
    randomDraws: z.number().int().min(1),
    resamples: z.number().int().min(50),
    /** B2: activations (held-out windows, last position), random directions, directions per other class, radii as multiples of the main SAE's median error norm. */
    scan: z.object({ samples: z.number().int().min(2), randomDirs: z.number().int().min(8), perClass: z.number().int().min(2), radii: z.array(z.number().positive()).min(1) }).strict(),
    /** B3: relative jitter σ of active latents. */
    jitterSigma: z.number().positive(),
  })
  .strict();
export type LmSpliceConfig = z.output<typeof lmSpliceConfig>;

/**
 * A ratio of mean KLs (SAE or perturbation over a baseline) with its bootstrap interval, and two per-sample
 * statistics with a floor of KL_RESOLUTION = 10⁻⁸ nats: medianLogRatio, the median over samples of 0 where the two
 * KLs differ by at most the floor, else log((a + floor)/(b + floor)); fracGreater, the share with a − b above the
 * floor (differences within it count one half).
 */
const ci = z.object({ ratio: z.number(), lo: z.number(), hi: z.number(), medianLogRatio: z.number(), fracGreater: z.number() });

export const lmSpliceResult = z.object({
  d: z.number().int(),
  tokens: z.number().int(),
  cleanCe: z.number(),
  /** Mean ‖x‖ at the hook on the evaluation tokens. */
  meanNorm: z.number(),
  ablation: z.object({ zeroCe: z.number(), meanCe: z.number(), zeroKl: z.number(), meanKl: z.number() }),
  curves: z.array(z.object({ sae: z.string(), step: z.number().int(), fvu: z.number() })),
  saes: z.array(
    z.object({
      name: z.string(),
      kind: z.string(),
      n: z.number().int(),
      k: z.number().int(),
      l1: z.number(),
      l0: z.number(),
      fvu: z.number(),
      /** Share of latents that never fire on the evaluation tokens. */
      deadFrac: z.number(),
      meanErrNorm: z.number(),
      medianErrNorm: z.number(),
      /** (CE_ablated − CE_SAE)/(CE_ablated − CE_clean) with zero and mean ablation. */
      ceRecoveredZero: z.number(),
      ceRecoveredMean: z.number(),
      decoderNormMaxDev: z.number(),
    }),
  ),
  /** B1: mean KL and ΔCE (nats/char) per SAE and condition. */
  b1: z.array(z.object({ sae: z.string(), condition: z.string(), meanKl: z.number(), meanDCe: z.number() })),
  /** B1: SAE splice over each baseline (ratio of mean KL, bootstrap over windows), and norm-corrected over ε-random. */
  b1Ratios: z.array(z.object({ sae: z.string(), l0: z.number(), vs: z.string() }).merge(ci)),
  scanRadius: z.number(),
  /** B2 per radius and direction class: mean KL over mean random KL; median over activations of the class's median-KL percentile among random directions; share of activations above the 95th. */
  b2: z.array(z.object({ radius: z.number(), radiusMultiple: z.number(), cls: z.string(), meanKl: z.number(), klOverRandom: z.number(), medianPercentile: z.number(), fracAbove95: z.number() })),
  /** B3: latent perturbations of the main SAE over each baseline at the same per-token norm. */
  b3: z.array(z.object({ mode: z.string(), vs: z.string() }).merge(ci)),
  /** The main SAE's B1 ratios, its B2 statistics at radius = its median error norm, and its B3 ratios, by name. */
  main: z.object({
    vsRandom: ci,
    vsCov: ci,
    vsShuffled: ci,
    normCorrectedVsRandom: ci,
    /** B2 at the verdict radius: median percentile among random directions, and mean KL over random, per class. */
    scan: z.object({
      saeRowsPercentile: z.number(),
      saeRowsOverRandom: z.number(),
      activeRemovePercentile: z.number(),
      activeRemoveOverRandom: z.number(),
      activeAddPercentile: z.number(),
      activeAddOverRandom: z.number(),
      /** Mean KL of two-row mixtures over that of single SAE rows (below 1: pure directions hurt more). */
      mixtureRatio: z.number(),
      covOverRandom: z.number(),
      diffOverRandom: z.number(),
      pcaOverRandom: z.number(),
      pcaPercentile: z.number(),
    }),
    jitterVsRandom: ci,
    jitterVsCov: ci,
    jitterVsShuffled: ci,
    swapVsRandom: ci,
    swapVsCov: ci,
    swapVsShuffled: ci,
  }),
  /** Over the TopK SAEs: the smallest lower bound of splice/ε-random and the largest upper bound of splice/cov-random. */
  topkMinLoVsRandom: z.number(),
  topkMaxHiVsCov: z.number(),
  topkMinLoVsCov: z.number(),
  timing: z.object({ saeTrainSeconds: z.number(), evalSeconds: z.number(), scanSeconds: z.number() }),
});
export type LmSpliceResult = z.output<typeof lmSpliceResult>;

/** Means of per-token values over each window of T tokens. */
function perWindow(v: Float64Array, T: number): Float64Array {
  const W = v.length / T;
  const out = new Float64Array(W);
  for (let w = 0; w < W; w++) {
    let s = 0;
    for (let t = 0; t < T; t++) s += v[w * T + t];
    out[w] = s / T;
  }
  return out;
}

function saeFromSpec(rng: Rng, spec: z.output<typeof lmSaeSpec>, d: number, dataMean: Float32Array): Sae {
  return initSae(rng, { kind: spec.kind, n: spec.width, k: spec.k, l1: spec.l1 }, d, dataMean);
}

export async function runLmSplice(cfg: LmSpliceConfig, ctx: RunContext, model: LmTrainDefinition = lmTrain): Promise<LmSpliceResult> {
  const { tf } = ctx;
  const up = ctx.upstream(model);
  const s = shapeOf(up.config);
  if (cfg.hook > s.layers) throw new Error(`hook must be at most lm.layers = ${s.layers}, got ${cfg.hook}`);
  if (!cfg.scan.radii.includes(1)) throw new Error(`scan.radii must include 1 (the verdict radius: the main SAE's median error norm), got ${cfg.scan.radii.join(', ')}`);
  const mainIdx = cfg.saes.findIndex((x) => x.name === cfg.mainSae);
  if (mainIdx < 0) throw new Error(`mainSae "${cfg.mainSae}" is not among saes: ${cfg.saes.map((x) => x.name).join(', ')}`);
  const params = decodeWeights(await up.readSideFile('lm.weights'));
  const lm = new LmRunner(tf, s, params, cfg.hook, await createLmOps(tf));
  const { ctx: T, dModel: d, vocab: V } = s;
  const corpus = loadSotu(up.config.heldOutEvery);

  // Activation bank (training text) and SAEs.
  const t0 = performance.now();
  const bankTok = sampleWindows(ctx.rng('bank'), corpus.train, cfg.bankWindows, T);
  const bankN = cfg.bankWindows * T;
  const bank = new Float32Array(bankN * d);
  for (let w0 = 0; w0 < cfg.bankWindows; w0 += 64) {
    const nb = Math.min(64, cfg.bankWindows - w0);
    bank.set(lm.residAt(bankTok.subarray(w0 * T, (w0 + nb) * T), nb), w0 * T * d);
  }
  const dataMean = new Float32Array(d);
  for (let r = 0; r < bankN; r++) for (let c = 0; c < d; c++) dataMean[c] += bank[r * d + c] / bankN;
  let totalVariance = 0;
  for (let r = 0; r < bankN; r++) for (let c = 0; c < d; c++) totalVariance += (bank[r * d + c] - dataMean[c]) ** 2 / bankN;
  const bar = ctx.progress('SAEs on the residual stream', cfg.saes.length * cfg.saeTrain.steps);
  const curves: LmSpliceResult['curves'] = [];
  const saes: Sae[] = cfg.saes.map((spec) => {
    const rng = ctx.rng(`sae/data/${spec.name}`);
    const r = trainSae(tf, saeFromSpec(ctx.rng(`sae/init/${spec.name}`), spec, d, dataMean), {
      ...cfg.saeTrain,
      curvePoints: 20,
      totalVariance,
      sample: (x) => {
        for (let b = 0; b < cfg.saeTrain.batch; b++) {
          const r = rng.int(bankN);
          x.set(bank.subarray(r * d, (r + 1) * d), b * d);
        }
      },
      onStep: () => bar.tick(),
    });
    for (const c of r.curve) curves.push({ sae: spec.name, step: c.step, fvu: c.fvu });
    return r.sae;
  });
  bar.done();
  const saeTrainSeconds = (performance.now() - t0) / 1000;

  // Evaluation windows (held-out addresses): clean residuals, logits, CE.
  const t1 = performance.now();
  const W = cfg.evalWindows;
  const N = W * T;
  const win = sampleWindows(ctx.rng('eval'), corpus.heldOut, W, T + 1);
  const tok = new Int32Array(N);
  const tgt = new Int32Array(N);
  for (let w = 0; w < W; w++)
    for (let t = 0; t < T; t++) {
      tok[w * T + t] = win[w * (T + 1) + t];
      tgt[w * T + t] = win[w * (T + 1) + t + 1];
    }
  const X = new Float32Array(N * d);
  for (let w0 = 0; w0 < W; w0 += 64) {
    const nb = Math.min(64, W - w0);
    X.set(lm.residAt(tok.subarray(w0 * T, (w0 + nb) * T), nb), w0 * T * d);
  }
  const chunkW = 64;
  const logitsAll = (Xp: Float32Array): Float32Array => {
    const out = new Float32Array(N * V);
    for (let w0 = 0; w0 < W; w0 += chunkW) {
      const nb = Math.min(chunkW, W - w0);
      out.set(lm.logitsFrom(Xp.subarray(w0 * T * d, (w0 + nb) * T * d), nb), w0 * T * V);
    }
    return out;
  };
  const cleanLp = cleanLogProbs(logitsAll(X), N, V);
  const cleanCeTok = new Float64Array(N);
  for (let r = 0; r < N; r++) cleanCeTok[r] = -cleanLp[r * V + tgt[r]];
  const cleanCe = mean(cleanCeTok);
  const score = (Xp: Float32Array) => klAndCe(cleanLp, logitsAll(Xp), N, V, (r) => r, tgt);
  let meanNorm = 0;
  for (let r = 0; r < N; r++) meanNorm += norm(X, r * d, d) / N;

  const zero = score(new Float32Array(N * d));
  const meanX = new Float32Array(N * d);
  for (let r = 0; r < N; r++) meanX.set(dataMean, r * d);
  const meanAbl = score(meanX);
  const ablation = { zeroCe: mean(zero.ce), meanCe: mean(meanAbl.ce), zeroKl: mean(zero.kl), meanKl: mean(meanAbl.kl) };

  // B1.
  const brng = ctx.rng('bootstrap');
  const cov = new CovDirections(d, bank, bankN);
  const saeRows: LmSpliceResult['saes'] = [];
  const b1: LmSpliceResult['b1'] = [];
  const b1Ratios: LmSpliceResult['b1Ratios'] = [];
  const codesBy: Codes[] = [];
  const epsBy: Float64Array[] = [];
  const randKlBy: Float64Array[] = [];
  const covKlBy: Float64Array[] = [];
  const shufKlBy: Float64Array[] = [];
  const evalBar = ctx.progress('B1: splices and baselines', cfg.saes.length);
  cfg.saes.forEach((spec, si) => {
    const sae = saes[si];
    const rng = ctx.rng(`b1/${spec.name}`);
    const codes = encode(tf, sae, X, N);
    const xh = decodeAll(sae, codes);
    codesBy.push(codes);
    const eps = new Float64Array(N);
    const err = new Float64Array(N * d);
    let se = 0;
    let l0 = 0;
    const fired = new Uint8Array(sae.n);
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < d; c++) err[r * d + c] = xh[r * d + c] - X[r * d + c];
      eps[r] = norm(err, r * d, d);
      se += eps[r] ** 2;
      l0 += codes.idx[r].length / N;
      for (const j of codes.idx[r]) fired[j] = 1;
    }
    epsBy.push(eps);
    const spliced = score(xh);
    const Xp = new Float32Array(N * d);
    const randKl = new Float64Array(N);
    const randCe = new Float64Array(N);
    for (let k = 0; k < cfg.randomDraws; k++) {
      for (let r = 0; r < N; r++) addScaled(X, r * d, randomUnit(rng, d), 0, d, eps[r], Xp, r * d);
      const res = score(Xp);
      for (let r = 0; r < N; r++) {
        randKl[r] += res.kl[r] / cfg.randomDraws;
        randCe[r] += res.ce[r] / cfg.randomDraws;
      }
    }
    for (let r = 0; r < N; r++) addScaled(X, r * d, cov.sample(rng), 0, d, eps[r], Xp, r * d);
    const covRes = score(Xp);
    for (let r = 0; r < N; r++) {
      let o = rng.int(N - 1);
      if (o >= r) o++;
      addScaled(X, r * d, err, o * d, d, eps[r], Xp, r * d);
    }
    const shufRes = score(Xp);
    for (let r = 0; r < N; r++) {
      const nx = norm(X, r * d, d);
      const nh = norm(xh, r * d, d);
      for (let c = 0; c < d; c++) Xp[r * d + c] = nh > 0 ? (xh[r * d + c] * nx) / nh : 0;
    }
    const normRes = score(Xp);
    randKlBy.push(randKl);
    covKlBy.push(covRes.kl);
    shufKlBy.push(shufRes.kl);
    const dce = (ce: Float64Array) => mean(ce) - cleanCe;
    b1.push(
      { sae: spec.name, condition: 'SAE splice', meanKl: mean(spliced.kl), meanDCe: dce(spliced.ce) },
      { sae: spec.name, condition: 'ε-random', meanKl: mean(randKl), meanDCe: dce(randCe) },
      { sae: spec.name, condition: 'cov-random', meanKl: mean(covRes.kl), meanDCe: dce(covRes.ce) },
      { sae: spec.name, condition: 'shuffled error', meanKl: mean(shufRes.kl), meanDCe: dce(shufRes.ce) },
      { sae: spec.name, condition: 'norm-corrected SAE', meanKl: mean(normRes.kl), meanDCe: dce(normRes.ce) },
    );
    const pw = (v: Float64Array) => perWindow(v, T);
    const sk = pw(spliced.kl);
    for (const [vs, base] of [
      ['ε-random', randKl],
      ['cov-random', covRes.kl],
      ['shuffled error', shufRes.kl],
    ] as const)
      b1Ratios.push({ sae: spec.name, l0, vs, ...ratioOfMeans(brng, sk, pw(base), cfg.resamples, KL_RESOLUTION) });
    b1Ratios.push({ sae: spec.name, l0, vs: 'norm-corrected over ε-random', ...ratioOfMeans(brng, pw(normRes.kl), pw(randKl), cfg.resamples, KL_RESOLUTION) });
    let maxDev = 0;
    for (let j = 0; j < sae.n; j++) maxDev = Math.max(maxDev, Math.abs(norm(sae.Wdec, j * d, d) - 1));
    const ceSae = mean(spliced.ce);
    const sortedEps = Float64Array.from(eps).sort();
    saeRows.push({
      name: spec.name,
      kind: spec.kind,
      n: sae.n,
      k: sae.k,
      l1: sae.l1,
      l0,
      fvu: se / N / totalVariance,
      deadFrac: 1 - fired.reduce((a, b) => a + b, 0) / sae.n,
      meanErrNorm: mean(eps),
      medianErrNorm: sortedEps[Math.floor(N / 2)],
      ceRecoveredZero: (ablation.zeroCe - ceSae) / (ablation.zeroCe - cleanCe),
      ceRecoveredMean: (ablation.meanCe - ceSae) / (ablation.meanCe - cleanCe),
      decoderNormMaxDev: maxDev,
    });
    evalBar.tick();
  });
  evalBar.done();

  // B3: L0-preserving latent perturbations of the main SAE, rescaled to each token's error norm.
  const b3: LmSpliceResult['b3'] = [];
  {
    const rng = ctx.rng('b3');
    const sae = saes[mainIdx];
    const codes = codesBy[mainIdx];
    const eps = epsBy[mainIdx];
    const delta = new Float64Array(d);
    const Xp = new Float32Array(N * d);
    const pw = (v: Float64Array) => perWindow(v, T);
    for (const mode of ['jitter', 'swap'] as const) {
      for (let r = 0; r < N; r++) {
        delta.fill(0);
        const idx = codes.idx[r];
        const val = codes.val[r];
        if (idx.length > 0 && mode === 'jitter') {
          for (let t = 0; t < idx.length; t++) {
            const nv = Math.max(0, val[t] * (1 + cfg.jitterSigma * rng.normal()));
            for (let c = 0; c < d; c++) delta[c] += (nv - val[t]) * sae.Wdec[idx[t] * d + c];
          }
        } else if (idx.length > 0) {
          const t = rng.int(idx.length);
          let l = rng.int(sae.n);
          while (idx.includes(l)) l = rng.int(sae.n);
          for (let c = 0; c < d; c++) delta[c] = val[t] * (sae.Wdec[l * d + c] - sae.Wdec[idx[t] * d + c]);
        }
        // A token with no active latent gets a random direction (same as its baseline).
        addScaled(X, r * d, norm(delta) > 0 ? delta : randomUnit(rng, d), 0, d, eps[r], Xp, r * d);
      }
      const res = score(Xp);
      const a = pw(res.kl);
      b3.push({ mode, vs: 'ε-random', ...ratioOfMeans(brng, a, pw(randKlBy[mainIdx]), cfg.resamples, KL_RESOLUTION) });
      b3.push({ mode, vs: 'cov-random', ...ratioOfMeans(brng, a, pw(covKlBy[mainIdx]), cfg.resamples, KL_RESOLUTION) });
      b3.push({ mode, vs: 'shuffled error', ...ratioOfMeans(brng, a, pw(shufKlBy[mainIdx]), cfg.resamples, KL_RESOLUTION) });
    }
  }
  const evalSeconds = (performance.now() - t1) / 1000;

  // B2: one position (each window's last) at fixed radii.
  const t2 = performance.now();
  const b2: LmSpliceResult['b2'] = [];
  const scanRadius = saeRows[mainIdx].medianErrNorm;
  {
    const rng = ctx.rng('b2');
    const sae = saes[mainIdx];
    const codes = codesBy[mainIdx];
    const sc = cfg.scan;
    const S = Math.min(sc.samples, W);
    const alive = new Set<number>();
    for (const idx of codes.idx) for (const j of idx) alive.add(j);
    const aliveList = [...alive];
    const row = (j: number) => Float64Array.from(sae.Wdec.subarray(j * d, (j + 1) * d));
    const pcs = principalDirections(bank, bankN, d, Math.ceil(sc.perClass / 2));
    // Directions per activation (the token's own active latents depend on the activation).
    const classes = ['random', 'SAE decoder rows', 'active latents (remove)', 'active latents (add)', 'two-row mixtures', 'cov-random', 'data differences', 'PCA'] as const;
    const dirsFor = (sIdx: number): { cls: (typeof classes)[number]; v: Float64Array }[] => {
      const out: { cls: (typeof classes)[number]; v: Float64Array }[] = [];
      for (let i = 0; i < sc.randomDirs; i++) out.push({ cls: 'random', v: randomUnit(rng, d) });
      for (let i = 0; i < sc.perClass; i++) {
        const v = row(aliveList[rng.int(aliveList.length)]);
        if (i % 2) v.forEach((_, c) => (v[c] = -v[c]));
        out.push({ cls: 'SAE decoder rows', v });
      }
      const act = codes.idx[sIdx * T + T - 1];
      for (const j of act) {
        out.push({ cls: 'active latents (remove)', v: row(j).map((t) => -t) });
        out.push({ cls: 'active latents (add)', v: row(j) });
      }
      for (let i = 0; i < sc.perClass; i++) {
        const a = row(aliveList[rng.int(aliveList.length)]);
        const b = row(aliveList[rng.int(aliveList.length)]);
        out.push({ cls: 'two-row mixtures', v: a.map((t, c) => t + b[c]) });
      }
      for (let i = 0; i < sc.perClass; i++) out.push({ cls: 'cov-random', v: cov.sample(rng) });
      for (let i = 0; i < sc.perClass; i++) {
        const a = rng.int(bankN);
        const b = rng.int(bankN);
        out.push({ cls: 'data differences', v: Float64Array.from({ length: d }, (_, c) => bank[a * d + c] - bank[b * d + c]) });
      }
      for (let i = 0; i < 2 * pcs.length && i < sc.perClass; i++) out.push({ cls: 'PCA', v: pcs[i >> 1].map((t) => (i % 2 ? -t : t)) });
      return out;
    };
    const dirs = Array.from({ length: S }, (_, i) => dirsFor(i));
    const scanBar = ctx.progress('B2: directions at one position', sc.radii.length * S);
    const klBy = sc.radii.map(() => dirs.map((ds) => new Float64Array(ds.length)));
    sc.radii.forEach((mult, ri) => {
      const radius = mult * scanRadius;
      for (let si = 0; si < S; si++) {
        const ds = dirs[si];
        const base = X.subarray(si * T * d, (si + 1) * T * d);
        for (let o = 0; o < ds.length; o += chunkW) {
          const nb = Math.min(chunkW, ds.length - o);
          const Xs = new Float32Array(nb * T * d);
          for (let b = 0; b < nb; b++) {
            Xs.set(base, b * T * d);
            addScaled(base, (T - 1) * d, ds[o + b].v, 0, d, radius, Xs, (b * T + T - 1) * d);
          }
          const lg = lm.logitsFrom(Xs, nb, true);
          const res = klAndCe(cleanLp, lg, nb, V, () => si * T + T - 1);
          klBy[ri][si].set(res.kl, o);
        }
        scanBar.tick();
      }
      for (const cls of classes) {
        let sum = 0;
        let cnt = 0;
        let sumR = 0;
        let cntR = 0;
        const pct: number[] = [];
        for (let si = 0; si < S; si++) {
          const rnd: number[] = [];
          const mine: number[] = [];
          dirs[si].forEach((x, i) => {
            if (x.cls === 'random') rnd.push(klBy[ri][si][i]);
            if (x.cls === cls) mine.push(klBy[ri][si][i]);
          });
          sumR += rnd.reduce((a, b) => a + b, 0);
          cntR += rnd.length;
          if (!mine.length) continue;
          sum += mine.reduce((a, b) => a + b, 0);
          cnt += mine.length;
          pct.push(percentileOf(rnd, median(mine)));
        }
        if (!cnt) continue;
        b2.push({ radius, radiusMultiple: mult, cls, meanKl: sum / cnt, klOverRandom: sum / cnt / (sumR / cntR), medianPercentile: median(pct), fracAbove95: pct.filter((p) => p > 95).length / pct.length });
      }
    });
    scanBar.done();
  }
  const scanSeconds = (performance.now() - t2) / 1000;
  lm.dispose();
  await ctx.writeSideFile(`sae-${cfg.mainSae}.weights`, encodeWeights({ Wenc: saes[mainIdx].Wenc, benc: saes[mainIdx].benc, Wdec: saes[mainIdx].Wdec, bdec: saes[mainIdx].bdec }));
  const mainName = cfg.mainSae;
  const r1 = (vs: string) => b1Ratios.find((r) => r.sae === mainName && r.vs === vs)!;
  const strip = ({ ratio, lo, hi, medianLogRatio, fracGreater }: z.output<typeof ci>) => ({ ratio, lo, hi, medianLogRatio, fracGreater });
  const at = (cls: string) => b2.find((r) => r.radiusMultiple === 1 && r.cls === cls);
  const r3 = (mode: string, vs: string) => strip(b3.find((r) => r.mode === mode && r.vs === vs)!);
  const topkRows = (vs: string) => b1Ratios.filter((r) => r.vs === vs && cfg.saes.find((x) => x.name === r.sae)!.kind === 'topk');
  const main = {
    vsRandom: strip(r1('ε-random')),
    vsCov: strip(r1('cov-random')),
    vsShuffled: strip(r1('shuffled error')),
    normCorrectedVsRandom: strip(r1('norm-corrected over ε-random')),
    scan: {
      saeRowsPercentile: at('SAE decoder rows')?.medianPercentile ?? NaN,
      saeRowsOverRandom: at('SAE decoder rows')?.klOverRandom ?? NaN,
      activeRemovePercentile: at('active latents (remove)')?.medianPercentile ?? NaN,
      activeRemoveOverRandom: at('active latents (remove)')?.klOverRandom ?? NaN,
      activeAddPercentile: at('active latents (add)')?.medianPercentile ?? NaN,
      activeAddOverRandom: at('active latents (add)')?.klOverRandom ?? NaN,
      mixtureRatio: (at('two-row mixtures')?.klOverRandom ?? NaN) / (at('SAE decoder rows')?.klOverRandom ?? NaN),
      covOverRandom: at('cov-random')?.klOverRandom ?? NaN,
      diffOverRandom: at('data differences')?.klOverRandom ?? NaN,
      pcaOverRandom: at('PCA')?.klOverRandom ?? NaN,
      pcaPercentile: at('PCA')?.medianPercentile ?? NaN,
    },
    jitterVsRandom: r3('jitter', 'ε-random'),
    jitterVsCov: r3('jitter', 'cov-random'),
    jitterVsShuffled: r3('jitter', 'shuffled error'),
    swapVsRandom: r3('swap', 'ε-random'),
    swapVsCov: r3('swap', 'cov-random'),
    swapVsShuffled: r3('swap', 'shuffled error'),
  };
  const topkMinLoVsRandom = Math.min(...topkRows('ε-random').map((r) => r.lo));
  const topkMaxHiVsCov = Math.max(...topkRows('cov-random').map((r) => r.hi));
  const topkMinLoVsCov = Math.min(...topkRows('cov-random').map((r) => r.lo));
  return { d, tokens: N, cleanCe, meanNorm, ablation, curves, saes: saeRows, b1, b1Ratios, scanRadius, b2, b3, main, topkMinLoVsRandom, topkMaxHiVsCov, topkMinLoVsCov, timing: { saeTrainSeconds, evalSeconds, scanSeconds } };
}

const topk = (k: number) => ({ name: `topk-${k}`, kind: 'topk' as const, width: 512, k, l1: 0 });
const base: z.input<typeof lmSpliceConfig> = {
  seed: 11,
  hook: 1,
  bankWindows: 1024,
  saes: [topk(4), topk(8), topk(16), topk(32), { name: 'l1', kind: 'l1', width: 512, k: 0, l1: 0.05 }],
  mainSae: 'topk-16',
  saeTrain: { steps: 300, batch: 256, lr: 2e-3, auxK: { k: 32, coef: 1 / 32, deadAfter: 20_000 } },
  evalWindows: 128,
  randomDraws: 2,
  resamples: 1000,
  scan: { samples: 16, randomDirs: 48, perClass: 12, radii: [0.5, 1, 2] },
  jitterSigma: 0.3,
};

/**
 * The splice experiment on one trained language model at one hook. `sae-lm-splice` is the main one (seed 11, before
 * block 1); the replicates (another model seed, another hook) are made by the same function in `lmReplicates.ts`.
 */
export function lmSpliceExperiment(o: { id: string; model: LmTrainDefinition; hook: number; seed: number; label: string }) {
  const hooked = { hook: o.hook, seed: o.seed };
  return defineExperiment({
    id: o.id,
    title: `SAE splices in the character-level language model${o.label}`,
    description: `Setting B${o.label}: TopK SAEs (k = 4 to 32) and an L1 SAE on the residual stream before block ${o.hook} of ${o.model.id}; B1 Gurnee splice versus ε-random, covariance-matched and shuffled-error baselines with bootstrap intervals over windows; B2 one-position perturbations along SAE, random, PCA and data directions; B3 L0-preserving latent jitter and swap.`,
    module: import.meta.url,
    config: lmSpliceConfig,
    upstream: [o.model.id],
    profiles: {
      quick: { ...base, ...hooked, bankWindows: 32, saes: [...[4, 8, 16, 32].map((k) => ({ ...topk(k), width: 128 })), { name: 'l1', kind: 'l1' as const, width: 128, k: 0, l1: 0.05 }], saeTrain: { steps: 20, batch: 128, lr: 2e-3, auxK: { k: 16, coef: 1 / 32, deadAfter: 1024 } }, evalWindows: 8, randomDraws: 1, resamples: 50, scan: { samples: 2, randomDirs: 8, perClass: 2, radii: [1] } },
      full: { ...base, ...hooked },
    },
    result: lmSpliceResult,
    timeLimitSeconds: { quick: 60, full: 3600 },
    tolerances: { 'timing.*': { measured: true } },
    run: (cfg, ctx) => runLmSplice(cfg, ctx, o.model),
  });
}

export const lmSplice = lmSpliceExperiment({ id: 'sae-lm-splice', model: lmTrain, hook: 1, seed: 11, label: '' });
