/**
 * The least-squares readoff fit's heavy kernel, a Gram matrix ZᵀZ (experiments/superposition/naturalLeastSquares.ts), on three
 * engines in one run, one thread each: tfjs (the backend the experiments use, and the oracle), onnxruntime-node's
 * CPU library (a Gemm with transA), and NumPy (scripts/peer_bench.py). issue 7, item 7: adopt onnxruntime only where
 * it cuts an experiment's time by more than 2×.
 *
 * onnxruntime needs a model, and the package builds none: `gemmModel` writes the few protobuf fields of a one-node
 * ONNX graph by hand. onnxruntime-node is optional here and not in package.json (it was not adopted, and its 288 MB
 * would come with every install): without it its row says how to install it.
 *   npx tsx scripts/bench/onnxGram.ts '{"n":1000,"cols":202}'
 */
import { loadBackend, parseBackendRequest, type Tf } from '../../experiments/runtime/backend';
import { Rng } from '../../experiments/runtime/rng';

// Protobuf wire format: field key = (number << 3) | wire type; 0 = varint, 2 = length-delimited.
const varint = (v: number): number[] => {
  const out: number[] = [];
  for (; v > 127; v = Math.floor(v / 128)) out.push((v % 128) | 128);
  out.push(v);
  return out;
};
const int = (field: number, v: number) => [...varint(field << 3), ...varint(v)];
const bytes = (field: number, b: number[]) => [...varint((field << 3) | 2), ...varint(b.length), ...b];
const str = (field: number, s: string) => bytes(field, [...Buffer.from(s, 'utf8')]);

/** ModelProto of one Gemm node: out = inᵀ·in for a float32 input of shape [n, cols] (both dimensions symbolic). */
export function gemmModel(): Uint8Array {
  const dim = (param: string) => bytes(1, str(2, param)); // TensorShapeProto.Dimension.dim_param
  const tensorType = (dims: string[]) => bytes(2, bytes(1, [...int(1, 1 /* FLOAT */), ...bytes(2, dims.flatMap(dim))])); // ValueInfoProto.type
  const valueInfo = (field: number, name: string, dims: string[]) => bytes(field, [...str(1, name), ...tensorType(dims)]);
  const transA = bytes(5, [...str(1, 'transA'), ...int(3, 1), ...int(20, 2 /* INT */)]);
  const node = bytes(1, [...str(1, 'Z'), ...str(1, 'Z'), ...str(2, 'G'), ...str(4, 'Gemm'), ...transA]);
  const graph = bytes(7, [...node, ...str(2, 'gram'), ...valueInfo(11, 'Z', ['n', 'cols']), ...valueInfo(12, 'G', ['cols', 'cols2'])]);
  return Uint8Array.from([...int(1, 8 /* IR version */), ...str(2, 'readoff-bench'), ...graph, ...bytes(8, int(2, 17) /* opset 17 */)]);
}

/**
 * ZᵀZ as naturalLeastSquares computed it until session 9: a plain matMul on an explicitly transposed operand (it now
 * uses lib/rowSubsetGram, bit-identical to this and timed by the fit's row of `npm run bench`).
 */
function tfjsGram(tf: Tf, Z: Float32Array, n: number, cols: number): Float32Array {
  const z = tf.tensor2d(Z, [n, cols]);
  const zT = tf.transpose(z);
  const g = tf.matMul(zT, z);
  const out = g.dataSync() as Float32Array;
  tf.dispose([z, zT, g]);
  return out;
}

function bestMs(fn: () => unknown, repeats: number): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

async function bestMsAsync(fn: () => Promise<unknown>, repeats: number): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export interface GramBench {
  backend: string;
  n: number;
  cols: number;
  tfjsMs: number;
  onnx?: { ms: number; version: string; maxRelDiff: number } | { error: string };
}

export async function benchGram(n: number, cols: number): Promise<GramBench> {
  const { tf, name } = await loadBackend(parseBackendRequest(process.env.READOFF_BACKEND ?? 'wasm'));
  const rng = new Rng(0, 'gram-bench');
  const Z = Float32Array.from({ length: n * cols }, () => Math.max(0, rng.normal()));
  const want = tfjsGram(tf, Z, n, cols);
  const out: GramBench = { backend: name, n, cols, tfjsMs: bestMs(() => tfjsGram(tf, Z, n, cols), 20) };
  try {
    // A specifier held in a variable: typechecking must not need the package, which a fresh clone does not have.
    const pkg = 'onnxruntime-node';
    const ort: any = await import(pkg);
    const session = await ort.InferenceSession.create(gemmModel(), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    const run = async () => (await session.run({ Z: new ort.Tensor('float32', Z, [n, cols]) })).G.data as Float32Array;
    const got = await run();
    // The tfjs result is the oracle: float32 sums in another order agree to a few units in the last place.
    let maxRelDiff = 0;
    let scale = 0;
    for (const v of want) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < want.length; i++) maxRelDiff = Math.max(maxRelDiff, Math.abs(got[i] - want[i]) / scale);
    if (got.length !== want.length) throw new Error(`onnxruntime returned ${got.length} values, expected ${want.length}`);
    out.onnx = { ms: await bestMsAsync(run, 20), version: ort.env.versions.node ?? '?', maxRelDiff };
    await session.release();
  } catch (err: any) {
    const missing = err?.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (package|module) 'onnxruntime-node'/.test(String(err?.message));
    out.onnx = { error: missing ? 'not installed: `npm install --no-save onnxruntime-node@1.30.0` (its install script stays off: allowScripts)' : String(err?.message ?? err).split('\n')[0] };
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cfg = JSON.parse(process.argv[2] ?? '{"n":1000,"cols":202}');
  console.log(JSON.stringify(await benchGram(cfg.n, cfg.cols)));
}
