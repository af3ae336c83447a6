import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../runtime/backend';
import { differentiableMatMul } from '../lib/differentiableMatMul';
import { createLmKernels, type LmKernels, type Shape3 } from './lmKernels';

/**
 * Ops of the language model whose tfjs-wasm kernels are slow, done by the kernels of lmKernels with results
 * bit-identical to tfjs's (the same float32 operations in the same order; tested). Two kinds:
 * - the batched product, a tfjs kernel of its own (registered under a new name, nothing of tfjs's is replaced)
 *   with tfjs's BatchMatMul gradient;
 * - a bias add and a layer norm's scale-and-shift with the gradients tfjs's autodiff would compute, except that the
 *   sums over rows (tfjs: transpose, then Sum) are one column-sum kernel;
 * - lib/differentiableMatMul's 2-D product (tfjs's XNNPACK product forward and backward) with its gradients'
 *   operands transposed by a faster kernel.
 * On backends other than wasm they are tfjs's own ops.
 */
export interface LmOps {
  /** a·b for 2-D tensors, as lib/differentiableMatMul. */
  matMul(a: TF.Tensor2D, b: TF.Tensor2D): TF.Tensor2D;
  /** tf.matMul of rank-3 tensors with equal batches. */
  batchMatMul(a: TF.Tensor3D, b: TF.Tensor3D, transposeA?: boolean, transposeB?: boolean): TF.Tensor3D;
  /**
   * matMul where `a` is data that needs no gradient (a model's input): b's gradient is matMul's, a's is zeros
   * instead of a product nobody reads.
   */
  inputMatMul(a: TF.Tensor2D, b: TF.Tensor2D): TF.Tensor2D;
  /** tf.add(x, b) where b's shape is x's trailing dimensions. */
  addBias<T extends TF.Tensor>(x: T, b: TF.Tensor): T;
  /** tf.add(tf.mul(h, g), b) for h [N, d] and g, b [d]. */
  scaleShift(h: TF.Tensor2D, g: TF.Tensor, b: TF.Tensor): TF.Tensor2D;
}

const BATCH_MAT_MUL = 'ReadoffBatchMatMul';
const COLUMN_SUMS = 'ReadoffColumnSums';
const TRANSPOSE = 'ReadoffTranspose2D';

/** The parts of tfjs-backend-wasm's backend that a kernel needs: its tensors' places in the wasm heap. */
interface WasmBackend {
  dataIdMap: { get(id: object): { memoryOffset: number } };
  wasm: { HEAPF32: Float32Array };
  makeOutput(shape: number[], dtype: 'float32'): TF.TensorInfo;
  typedArrayFromHeap(t: TF.TensorInfo): Float32Array;
}

let kernels: Promise<LmKernels> | null = null;

/** tfjs's own ops: what every backend but wasm runs. */
export function tfLmOps(tf: Tf): LmOps {
  return {
    matMul: differentiableMatMul(tf),
    inputMatMul: inputMatMul(tf, (x) => tf.transpose(x)),
    batchMatMul: (a, b, ta = false, tb = false) => tf.matMul(a, b, ta, tb),
    addBias: (x, b) => tf.add(x, b),
    scaleShift: (h, g, b) => tf.add(tf.mul(h, g), b),
  };
}

type Flags = { transposeA: boolean; transposeB: boolean };

function registerKernels(tf: Tf, k: LmKernels): void {
  const size = (t: TF.TensorInfo) => t.shape.reduce((x, y) => x * y, 1);
  // Views into the heap, taken after makeOutput (which may grow it).
  const view = (be: WasmBackend, t: TF.TensorInfo) => new Float32Array(be.wasm.HEAPF32.buffer, be.dataIdMap.get(t.dataId).memoryOffset, size(t));
  const float32 = (name: string, ...ts: TF.TensorInfo[]) => {
    for (const t of ts) if (t.dtype !== 'float32') throw new Error(`${name}: needs float32 tensors, got ${t.dtype} [${t.shape}]`);
  };
  const run = (a: TF.Tensor, b: TF.Tensor, ta: boolean, tb: boolean) => run3(tf, a, b, ta, tb);
  tf.registerKernel({
    kernelName: BATCH_MAT_MUL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { a, b } = inputs as { a: TF.TensorInfo; b: TF.TensorInfo };
      const { transposeA: ta, transposeB: tb } = attrs as unknown as Flags;
      float32(BATCH_MAT_MUL, a, b);
      if (a.shape.length !== 3 || b.shape.length !== 3) throw new Error(`${BATCH_MAT_MUL}: needs rank-3 tensors, got [${a.shape}] and [${b.shape}]`);
      const be = backend as unknown as WasmBackend;
      const out = be.makeOutput([a.shape[0], ta ? a.shape[2] : a.shape[1], tb ? b.shape[1] : b.shape[2]], 'float32');
      k.matMul(view(be, a), a.shape as unknown as Shape3, ta, view(be, b), b.shape as unknown as Shape3, tb, be.typedArrayFromHeap(out));
      return out;
    },
  });
  // tfjs's BatchMatMul gradient (tfjs-core/src/gradients/BatchMatMul_grad.ts), through this op.
  tf.registerGradient({
    kernelName: BATCH_MAT_MUL,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const { transposeA: ta, transposeB: tb } = attrs as unknown as Flags;
      const g = dy as TF.Tensor;
      if (!ta && !tb) return { a: () => run(g, b, false, true), b: () => run(a, g, true, false) };
      if (!ta && tb) return { a: () => run(g, b, false, false), b: () => run(g, a, true, false) };
      if (ta && !tb) return { a: () => run(b, g, false, true), b: () => run(a, g, false, false) };
      return { a: () => run(b, g, true, true), b: () => run(g, a, true, true) };
    },
  });
  tf.registerKernel({
    kernelName: COLUMN_SUMS,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x } = inputs as { x: TF.TensorInfo };
      const { cols } = attrs as unknown as { cols: number };
      float32(COLUMN_SUMS, x);
      const be = backend as unknown as WasmBackend;
      const out = be.makeOutput([cols], 'float32');
      k.columnSums(view(be, x), size(x) / cols, cols, be.typedArrayFromHeap(out));
      return out;
    },
  });
  tf.registerKernel({
    kernelName: TRANSPOSE,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as { x: TF.TensorInfo };
      float32(TRANSPOSE, x);
      if (x.shape.length !== 2) throw new Error(`${TRANSPOSE}: needs a rank-2 tensor, got [${x.shape}]`);
      const be = backend as unknown as WasmBackend;
      const out = be.makeOutput([x.shape[1], x.shape[0]], 'float32');
      k.transpose(view(be, x), x.shape[0], x.shape[1], be.typedArrayFromHeap(out));
      return out;
    },
  });
}

/** The model's ops for the active backend (registering the wasm kernels once per process). */
export async function createLmOps(tf: Tf): Promise<LmOps> {
  if (tf.getBackend() !== 'wasm') return tfLmOps(tf);
  kernels ??= createLmKernels();
  const k = await kernels;
  if (!tf.getKernel(BATCH_MAT_MUL, 'wasm')) registerKernels(tf, k);
  /** tf.sum(x, leading axes) reshaped to `like`'s shape: the reduction in tfjs's broadcast gradients. */
  const sumTo = (x: TF.Tensor, like: TF.Tensor) => tf.reshape(tf.engine().runKernel(COLUMN_SUMS, { x }, { cols: like.size } as unknown as TF.NamedAttrMap) as TF.Tensor, like.shape);
  const addBias = tf.customGrad((x, b, save) => {
    const [xt, bt] = [x, b] as TF.Tensor[];
    if (xt.size % bt.size !== 0 || bt.rank > xt.rank || bt.shape.some((n, i) => n !== xt.shape[xt.rank - bt.rank + i])) throw new Error(`addBias: b [${bt.shape}] is not the trailing shape of x [${xt.shape}]`);
    (save as TF.GradSaveFunc)([bt]);
    // tfjs's Add gradient: dy reshaped to x; dy summed over the broadcast axes, reshaped to b.
    return { value: tf.add(xt, bt), gradFunc: (dy, [sb]) => [tf.reshape(dy as TF.Tensor, xt.shape), sumTo(dy as TF.Tensor, sb)] };
  });
  const transpose = (x: TF.Tensor2D) => tf.engine().runKernel(TRANSPOSE, { x }, {}) as TF.Tensor2D;
  // lib/differentiableMatMul with this transpose.
  const matMul = tf.customGrad((a, b, save) => {
    (save as TF.GradSaveFunc)([a as TF.Tensor2D, b as TF.Tensor2D]);
    return {
      value: tf.matMul(a as TF.Tensor2D, b as TF.Tensor2D),
      gradFunc: (dy, [sa, sb]) => [tf.matMul(dy as TF.Tensor2D, transpose(sb as TF.Tensor2D)), tf.matMul(transpose(sa as TF.Tensor2D), dy as TF.Tensor2D)],
    };
  });
  const scaleShift = tf.customGrad((h, g, b, save) => {
    const [ht, gt, bt] = [h, g, b] as TF.Tensor[];
    (save as TF.GradSaveFunc)([ht, gt, bt]);
    // tfjs's Add, then Multiply gradients: dh = dy·g, dg = Σ_rows dy·h, db = Σ_rows dy.
    return {
      value: tf.add(tf.mul(ht, gt), bt),
      gradFunc: (dy, [sh, sg, sb]) => {
        const d = dy as TF.Tensor;
        return [tf.mul(d, sg), sumTo(tf.mul(d, sh), sg), sumTo(d, sb)];
      },
    };
  });
  return {
    matMul: (a, b) => matMul(a, b) as TF.Tensor2D,
    inputMatMul: inputMatMul(tf, transpose),
    batchMatMul: (a, b, ta = false, tb = false) => run3(tf, a, b, ta, tb),
    addBias: <T extends TF.Tensor>(x: T, b: TF.Tensor) => addBias(x, b) as T,
    scaleShift: (h, g, b) => scaleShift(h, g, b) as TF.Tensor2D,
  };
}

/** a·b with b's gradient as in differentiableMatMul (the same float32 values) and zeros for a's. */
function inputMatMul(tf: Tf, transpose: (x: TF.Tensor2D) => TF.Tensor2D): (a: TF.Tensor2D, b: TF.Tensor2D) => TF.Tensor2D {
  const op = tf.customGrad((a, b, save) => {
    (save as TF.GradSaveFunc)([a as TF.Tensor2D]);
    return { value: tf.matMul(a as TF.Tensor2D, b as TF.Tensor2D), gradFunc: (dy, [sa]) => [tf.zerosLike(sa), tf.matMul(transpose(sa as TF.Tensor2D), dy as TF.Tensor2D)] };
  });
  return op as unknown as (a: TF.Tensor2D, b: TF.Tensor2D) => TF.Tensor2D;
}

function run3(tf: Tf, a: TF.Tensor, b: TF.Tensor, ta: boolean, tb: boolean): TF.Tensor3D {
  return tf.engine().runKernel(BATCH_MAT_MUL, { a, b }, { transposeA: ta, transposeB: tb } as unknown as TF.NamedAttrMap) as TF.Tensor3D;
}
