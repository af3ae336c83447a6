import type { NormalStream } from './normalStream';

/**
 * Small probabilities P(K(w) < t) under a Gaussian prior w ~ N(0, diag(std²)), by subset simulation (Au & Beck 2001):
 * a ladder of thresholds, each the p0-quantile of K among particles drawn from the prior conditioned on the level
 * above, so P(K < τ_{k+1}) = P(K < τ_k)·p0 and every step of the ladder is estimated from many particles. The
 * conditioned particles are refreshed by preconditioned Crank–Nicolson moves, which leave the Gaussian prior
 * invariant: u' = √(1 − s²)·u + s·ξ in whitened coordinates, accepted when K stays below the level.
 */

export interface SubsetSimulationOptions {
  /** Particles per level. */
  particles: number;
  /** p0: the fraction of particles kept at each level (1/p0 should be an integer). */
  levelProbability: number;
  /** Safety stop. */
  maxLevels: number;
  /** pCN proposals between two stored states of a chain (thinning). */
  movesPerState: number;
}

export interface SubsetSimulationResult {
  /** P(K < t) at each requested threshold (ascending or not: same order as given). */
  probabilities: number[];
  levels: number;
  /** Mean pCN acceptance over all levels. */
  acceptance: number;
  /** Particles of the last level, in the prior's coordinates (flat, particles × dim). */
  finalParticles: Float64Array;
  finalK: Float64Array;
}

export function subsetSimulation(
  std: Float64Array,
  K: (w: Float64Array) => number,
  thresholds: readonly number[],
  opts: SubsetSimulationOptions,
  normals: NormalStream,
): SubsetSimulationResult {
  const d = std.length;
  const N = opts.particles;
  const keep = Math.round(N * opts.levelProbability);
  if (!(keep >= 1 && keep < N && N % keep === 0)) throw new Error(`subsetSimulation: particles·levelProbability must divide particles, got ${N}·${opts.levelProbability}`);
  const chainLength = N / keep;
  const tMin = Math.min(...thresholds);
  let u = new Float64Array(N * d);
  let k = new Float64Array(N);
  const w = new Float64Array(d);
  const evalK = (src: Float64Array, at: number) => {
    for (let j = 0; j < d; j++) w[j] = std[j] * src[at * d + j];
    return K(w);
  };
  for (let p = 0; p < N; p++) {
    u.set(normals.take(d), p * d);
    k[p] = evalK(u, p);
  }
  const probabilities = new Array<number>(thresholds.length).fill(NaN);
  const pending = new Set(thresholds.map((_, j) => j));
  let pLevel = 1;
  let s = 0.5;
  let accepted = 0;
  let proposed = 0;
  let levels = 0;
  const fraction = (t: number) => {
    let c = 0;
    for (let p = 0; p < N; p++) if (k[p] < t) c++;
    return c / N;
  };
  for (;;) {
    const order = Array.from({ length: N }, (_, p) => p).sort((a, b) => k[a] - k[b]);
    const next = (k[order[keep - 1]] + k[order[keep]]) / 2;
    const last = next <= tMin || levels >= opts.maxLevels;
    for (const j of [...pending]) {
      if (thresholds[j] > next || last) {
        probabilities[j] = pLevel * fraction(thresholds[j]);
        pending.delete(j);
      }
    }
    if (last) break;
    levels++;
    pLevel *= keep / N;
    const nu = new Float64Array(N * d);
    const nk = new Float64Array(N);
    const cur = new Float64Array(d);
    const prop = new Float64Array(d);
    let levelAccepted = 0;
    for (let c = 0; c < keep; c++) {
      const seed = order[c];
      cur.set(u.subarray(seed * d, seed * d + d));
      let kc = k[seed];
      let chainAccepted = 0;
      const root = Math.sqrt(1 - s * s);
      for (let step = 0; step < chainLength; step++) {
        for (let move = 0; move < opts.movesPerState; move++) {
          const xi = normals.take(d);
          for (let j = 0; j < d; j++) prop[j] = root * cur[j] + s * xi[j];
          for (let j = 0; j < d; j++) w[j] = std[j] * prop[j];
          const kp = K(w);
          if (kp < next) {
            cur.set(prop);
            kc = kp;
            chainAccepted++;
          }
        }
        const at = c * chainLength + step;
        nu.set(cur, at * d);
        nk[at] = kc;
      }
      levelAccepted += chainAccepted;
      // Adapt the move size chain by chain towards an acceptance of about 0.3 (the level shrinks as it goes down).
      const rate = chainAccepted / (chainLength * opts.movesPerState);
      s = Math.min(1, Math.max(1e-6, s * Math.exp(0.5 * (rate - 0.3))));
    }
    accepted += levelAccepted;
    proposed += keep * chainLength * opts.movesPerState;
    u = nu;
    k = nk;
  }
  return { probabilities, levels, acceptance: proposed ? accepted / proposed : NaN, finalParticles: u.map((x, i) => x * std[i % d]), finalK: k };
}
