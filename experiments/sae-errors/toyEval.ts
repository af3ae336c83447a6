/**
 * Evaluating perturbed activations under every head of Setting A: logits once per trained network, then the output
 * KL (and BCE against the labels) for the head as trained and for its temperature-matched copy.
 */
import type { Tf } from '../runtime/backend';
import { bceRows, cleanOutputs, klBceRows, klRows, type CleanOutputs } from './bernoulliKl';
import { HeadRunner, type Head } from './heads';

export const HEADS = ['mlp', 'mlpTemp', 'linear', 'linearTemp', 'noiseMlp', 'untrained'] as const;
export type HeadName = (typeof HEADS)[number];
export const BASES = ['mlp', 'linear', 'noiseMlp', 'untrained'] as const;
export type BaseName = (typeof BASES)[number];
export const baseOf = (h: HeadName): BaseName => (h === 'mlpTemp' ? 'mlp' : h === 'linearTemp' ? 'linear' : h);

export interface HeadSet {
  heads: Record<BaseName, Head>;
  /** Inverse temperature per head (1 unless tempered). */
  invTemp: Record<HeadName, number>;
}

export class Evaluator {
  private readonly runners: Record<BaseName, HeadRunner>;
  readonly clean: Record<HeadName, CleanOutputs>;
  readonly o: number;
  constructor(tf: Tf, readonly set: HeadSet, readonly x: Float32Array, readonly n: number, readonly labels: Float32Array, private readonly chunk = 8192) {
    this.runners = Object.fromEntries(BASES.map((b) => [b, new HeadRunner(tf, set.heads[b])])) as Record<BaseName, HeadRunner>;
    this.o = set.heads.mlp.o;
    const logits = Object.fromEntries(BASES.map((b) => [b, this.runners[b].logits(x, n)])) as Record<BaseName, Float32Array>;
    this.clean = Object.fromEntries(HEADS.map((h) => [h, cleanOutputs(logits[baseOf(h)], n, this.o, set.invTemp[h])])) as Record<HeadName, CleanOutputs>;
    this.cleanLogits = logits;
  }

  private readonly cleanLogits: Record<BaseName, Float32Array>;

  /** BCE of the unperturbed samples against their labels, per sample. */
  cleanBce(h: HeadName): Float64Array {
    return bceRows(this.labels, this.o, this.cleanLogits[baseOf(h)], this.n, (r) => r, this.set.invTemp[h]);
  }

  /** KL(clean ‖ perturbed) per row (row r perturbs sample sampleOf(r)) for every head; with labels, ΔBCE too. */
  kl(X: Float32Array, rows: number, sampleOf: (r: number) => number, withBce = false): { kl: Record<HeadName, Float64Array>; bce?: Record<HeadName, Float64Array> } {
    const d = this.set.heads.mlp.d;
    const kl = Object.fromEntries(HEADS.map((h) => [h, new Float64Array(rows)])) as Record<HeadName, Float64Array>;
    const bce = withBce ? (Object.fromEntries(HEADS.map((h) => [h, new Float64Array(rows)])) as Record<HeadName, Float64Array>) : undefined;
    for (let s = 0; s < rows; s += this.chunk) {
      const m = Math.min(this.chunk, rows - s);
      const sub = X.subarray(s * d, (s + m) * d);
      const of = (r: number) => sampleOf(s + r);
      for (const b of BASES) {
        const logits = this.runners[b].logits(sub, m);
        for (const h of HEADS) {
          if (baseOf(h) !== b) continue;
          if (bce) klBceRows(this.clean[h], this.labels, logits, m, of, kl[h].subarray(s, s + m), bce[h].subarray(s, s + m));
          else klRows(this.clean[h], logits, m, of, kl[h].subarray(s, s + m));
        }
      }
    }
    return { kl, bce };
  }

  dispose(): void {
    for (const b of BASES) this.runners[b].dispose();
  }
}
