import type { Rng } from '../runtime/rng';

/**
 * The post's sparse construction: neuron k reads feature α with weight W_kα = 1 with probability p, else 0,
 * and fires z_k = ReLU(Σ_α W_kα f_α − 1), so it is on only when two or more of its features are.
 */
export interface BernoulliLayer {
  m: number;
  d: number;
  p: number;
  /** W as 0/1 bytes, feature-major: bits[α·d + k] = W_kα. */
  bits: Uint8Array;
  /** For each feature α, the ascending neurons k with W_kα = 1. */
  neuronsOf: Int32Array[];
  /** For each neuron k, the ascending features α with W_kα = 1 (its set S_k). */
  featuresOf: Int32Array[];
}

/** Exact iid Bernoulli(p) entries by geometric skips, so the cost is ∝ m·d·p draws rather than m·d. */
export function sampleBernoulliLayer(rng: Rng, m: number, d: number, p: number): BernoulliLayer {
  if (!(p > 0 && p <= 1)) throw new Error(`sampleBernoulliLayer: p must be in (0, 1], got ${p}`);
  const total = m * d;
  const bits = new Uint8Array(total);
  if (p === 1) bits.fill(1);
  else {
    const logQ = Math.log1p(-p);
    for (let pos = -1; ; ) {
      let u = rng.uniform();
      while (u === 0) u = rng.uniform();
      pos += 1 + Math.floor(Math.log(u) / logQ);
      if (pos >= total) break;
      bits[pos] = 1;
    }
  }
  return { m, d, p, bits, ...indexLists(bits, m, d) };
}

/** A layer from explicit 0/1 weights W[k][α] (tests build tiny ones by hand). */
export function layerFromWeights(W: number[][], p = NaN): BernoulliLayer {
  const d = W.length;
  const m = W[0].length;
  const bits = new Uint8Array(m * d);
  for (let k = 0; k < d; k++) for (let a = 0; a < m; a++) bits[a * d + k] = W[k][a] ? 1 : 0;
  return { m, d, p, bits, ...indexLists(bits, m, d) };
}

function indexLists(bits: Uint8Array, m: number, d: number) {
  const perNeuron = new Int32Array(d);
  const neuronsOf: Int32Array[] = [];
  for (let a = 0; a < m; a++) {
    const list: number[] = [];
    for (let k = 0; k < d; k++) if (bits[a * d + k]) list.push(k);
    neuronsOf.push(Int32Array.from(list));
    for (const k of list) perNeuron[k]++;
  }
  const featuresOf = Array.from(perNeuron, (n) => new Int32Array(n));
  const fill = new Int32Array(d);
  for (let a = 0; a < m; a++) for (const k of neuronsOf[a]) featuresOf[k][fill[k]++] = a;
  return { neuronsOf, featuresOf };
}

/** The neurons wired to both α and β: the only ones the post's readoff for (α, β) uses. */
export function sharedNeurons(layer: BernoulliLayer, alpha: number, beta: number): Int32Array {
  const A = layer.neuronsOf[alpha];
  const B = layer.neuronsOf[beta];
  const out: number[] = [];
  for (let x = 0, y = 0; x < A.length && y < B.length; ) {
    if (A[x] === B[y]) {
      out.push(A[x]);
      x++;
      y++;
    } else if (A[x] < B[y]) x++;
    else y++;
  }
  return Int32Array.from(out);
}

/**
 * The post's AND estimate Σ_k z_k W_kα W_kβ / Σ_k W_kα W_kβ: the mean of z over the shared neurons,
 * for boolean inputs given as the list of active features. 0 when no neuron is shared.
 */
export function pairReadoff(layer: BernoulliLayer, shared: Int32Array, active: readonly number[]): number {
  if (shared.length === 0) return 0;
  const { bits, d } = layer;
  let sum = 0;
  for (const k of shared) {
    let pre = -1;
    for (const a of active) pre += bits[a * d + k];
    if (pre > 0) sum += pre;
  }
  return sum / shared.length;
}

/**
 * The same readoff with inputs in superposition: x = Σ_{α active} φ_α and neuron k's weight vector is
 * w_k = Σ_{α∈S_k} φ_α, so its pre-activation is Σ_{α∈S_k} u_α − 1 with u_α = ⟨φ_α, x⟩ (all m overlaps of x).
 * With orthonormal φ, u is the 0/1 indicator of the active features and this equals `pairReadoff`.
 */
export function superposedPairReadoff(layer: BernoulliLayer, shared: Int32Array, u: ArrayLike<number>): number {
  if (shared.length === 0) return 0;
  let sum = 0;
  for (const k of shared) {
    let pre = -1;
    for (const a of layer.featuresOf[k]) pre += u[a];
    if (pre > 0) sum += pre;
  }
  return sum / shared.length;
}
