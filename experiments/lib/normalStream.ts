import type { Rng } from '../runtime/rng';
import { fillNormal } from './sampling';

/**
 * Standard normals served in slices from a large buffer that is refilled with `fillNormal` (ziggurat) when it runs
 * low: samplers that need a few hundred or thousand normals per draw get them without a fill call each time.
 * A slice is a view into the buffer, valid until the next `take`.
 */
export class NormalStream {
  private readonly buf: Float64Array;
  private pos: number;

  constructor(
    private readonly rng: Rng,
    blockSize = 1 << 16,
  ) {
    this.buf = new Float64Array(blockSize);
    this.pos = blockSize;
  }

  /** The next `n` standard normals (n at most the block size). */
  take(n: number): Float64Array {
    if (n > this.buf.length) throw new Error(`NormalStream.take(${n}): at most ${this.buf.length} at a time`);
    if (this.pos + n > this.buf.length) {
      fillNormal(this.rng, this.buf);
      this.pos = 0;
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
