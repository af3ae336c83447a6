import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../runtime/backend';

/**
 * a·b whose gradient multiplies by explicitly transposed copies: on the wasm backend a matMul with a transpose flag
 * (what tfjs's own gradient uses) runs markedly slower than a transpose followed by a plain matMul.
 */
export function differentiableMatMul(tf: Tf): (a: TF.Tensor2D, b: TF.Tensor2D) => TF.Tensor2D {
  const op = tf.customGrad((a, b, save) => {
    (save as TF.GradSaveFunc)([a as TF.Tensor2D, b as TF.Tensor2D]);
    return {
      value: tf.matMul(a as TF.Tensor2D, b as TF.Tensor2D),
      gradFunc: (dy, saved) => {
        const [sa, sb] = saved as TF.Tensor2D[];
        return [tf.matMul(dy as TF.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as TF.Tensor2D)];
      },
    };
  });
  return op as unknown as (a: TF.Tensor2D, b: TF.Tensor2D) => TF.Tensor2D;
}
