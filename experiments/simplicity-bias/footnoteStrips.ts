import { z } from 'zod';
import { defineExperiment } from '../runtime/experiment';
import { columnBits, diagonalStrip, quadtreeMass, verticalStrip, type Region } from './stripCodes';

/** The footnote's strips: bits to land inside an axis-aligned strip and a diagonal one, under three codes. */

const config = z
  .object({
    /** Unused (the computation is deterministic); kept so every experiment derives from a seed. */
    seed: z.number().int().nonnegative(),
    /** Strip half-widths ε = 2^−j for these j. */
    epsLog2: z.array(z.number().int().min(1).max(20)).min(2),
    /** The quadtree is refined this many levels below log2(1/ε). */
    extraLevels: z.number().int().min(1).max(12),
    /** Vertical strip along x = c (off the dyadic grid, so it gets no alignment luck). */
    c: z.number().gt(0).lt(1),
    /** The ε (as j) whose squares the small figure draws, and the depth drawn. */
    drawEpsLog2: z.number().int().min(1).max(8),
    drawLevels: z.number().int().min(1).max(10),
  })
  .strict();

const row = z.object({
  strip: z.enum(['axis', 'diagonal']),
  epsLog2: z.number().int(),
  /** log2(1/area): the bits a code built from region volumes needs (up to one bit). */
  volumeBits: z.number(),
  /** −log2 of the mass of dyadic squares inside the strip (a random bit string's chance to land in it). */
  massBits: z.number(),
  /** One quadtree codeword: 2 bits per level of the largest dyadic square inside. */
  squareBits: z.number(),
  /** Bits of x alone (a full-height dyadic column inside); null when no column fits. */
  columnBits: z.number().nullable(),
});

const result = z.object({
  rows: z.array(row),
  drawn: z.object({
    epsLog2: z.number().int(),
    axis: z.array(z.object({ x: z.number(), y: z.number(), s: z.number() })),
    diagonal: z.array(z.object({ x: z.number(), y: z.number(), s: z.number() })),
    c: z.number(),
  }),
  /** Largest |massBits − volumeBits| over ε, per strip, and the largest squareBits/volumeBits. */
  maxMassGap: z.number(),
  diagonalSquareOverVolumeAtSmallest: z.number(),
  axisColumnMinusVolumeAtSmallest: z.number(),
});

export const footnoteStrips = defineExperiment({
  id: 'simplicity-footnote-strips',
  title: 'The footnote puzzle: bits to land in a thin strip',
  description:
    'For strips of half-width ε along x = c and along y = x, compares log2(1/area) with three ways to name a point inside: one dyadic square, one dyadic column, and the total mass of dyadic squares inside (the probability that random bits land there).',
  module: import.meta.url,
  config,
  profiles: {
    quick: { seed: 0, epsLog2: [2, 3, 4, 5, 6, 7, 8], extraLevels: 8, c: 1 / 3, drawEpsLog2: 3, drawLevels: 7 },
    full: { seed: 0, epsLog2: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], extraLevels: 8, c: 1 / 3, drawEpsLog2: 3, drawLevels: 7 },
  },
  result,
  timeLimitSeconds: { quick: 30, full: 300 },
  async run(cfg) {
    const rows: z.input<typeof row>[] = [];
    const regions = (eps: number): [('axis' | 'diagonal'), Region][] => [
      ['axis', verticalStrip(cfg.c, eps)],
      ['diagonal', diagonalStrip(eps)],
    ];
    for (const j of cfg.epsLog2) {
      const eps = 2 ** -j;
      for (const [strip, r] of regions(eps)) {
        const q = quadtreeMass(r, j + cfg.extraLevels);
        const col = columnBits(r, j + 3);
        rows.push({
          strip,
          epsLog2: j,
          volumeBits: -Math.log2(r.area),
          massBits: -Math.log2(q.mass),
          squareBits: 2 * q.coarsestLevel,
          columnBits: Number.isFinite(col) ? col : null,
        });
      }
    }
    const eps = 2 ** -cfg.drawEpsLog2;
    const [[, a], [, d]] = regions(eps);
    const jMax = Math.max(...cfg.epsLog2);
    const last = (s: 'axis' | 'diagonal') => rows.find((r) => r.strip === s && r.epsLog2 === jMax)!;
    return {
      rows,
      drawn: {
        epsLog2: cfg.drawEpsLog2,
        axis: quadtreeMass(a, cfg.drawLevels, true).squares,
        diagonal: quadtreeMass(d, cfg.drawLevels, true).squares,
        c: cfg.c,
      },
      maxMassGap: Math.max(...rows.map((r) => Math.abs(r.massBits - r.volumeBits))),
      diagonalSquareOverVolumeAtSmallest: last('diagonal').squareBits / last('diagonal').volumeBits,
      axisColumnMinusVolumeAtSmallest: (last('axis').columnBits ?? NaN) - last('axis').volumeBits,
    };
  },
});
