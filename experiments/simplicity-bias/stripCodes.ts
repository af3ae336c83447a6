/**
 * The footnote's puzzle: how many bits say "my point is inside region R" of the unit square, for a strip of
 * half-width ε along a vertical line (A) against one along the diagonal y = x (B)? Regions are given by two
 * tests on an axis-aligned square [x0, x0+s] × [y0, y0+s]: lies inside R, or meets R.
 */
export interface Region {
  inside(x0: number, y0: number, s: number): boolean;
  meets(x0: number, y0: number, s: number): boolean;
  area: number;
}

/** Points within distance eps of the vertical line x = c. */
export function verticalStrip(c: number, eps: number): Region {
  return {
    inside: (x0, _y0, s) => x0 > c - eps && x0 + s < c + eps,
    meets: (x0, _y0, s) => x0 < c + eps && x0 + s > c - eps,
    area: Math.min(1, c + eps) - Math.max(0, c - eps),
  };
}

/** Points within distance eps of the diagonal y = x: |y − x| < eps·√2. */
export function diagonalStrip(eps: number): Region {
  const w = eps * Math.SQRT2;
  return {
    inside: (x0, y0, s) => Math.abs(y0 - x0) + s < w,
    meets: (x0, y0, s) => Math.abs(y0 - x0) - s < w,
    area: 1 - (1 - Math.min(w, 1)) ** 2,
  };
}

/**
 * Quadtree code: a point is named by a dyadic square, 2 bits per level. Returns the mass of the maximal dyadic
 * squares (levels ≤ maxLevel) inside R (the probability that a uniformly random bit string lands in R by then),
 * the level of the largest square inside R (one codeword of 2·level bits), and the squares themselves when asked.
 */
export function quadtreeMass(r: Region, maxLevel: number, keep = false): { mass: number; coarsestLevel: number; squares: { x: number; y: number; s: number }[] } {
  let mass = 0;
  let coarsest = Infinity;
  const squares: { x: number; y: number; s: number }[] = [];
  const visit = (x: number, y: number, level: number) => {
    const s = 2 ** -level;
    if (r.inside(x, y, s)) {
      mass += s * s;
      coarsest = Math.min(coarsest, level);
      if (keep) squares.push({ x, y, s });
      return;
    }
    if (level === maxLevel || !r.meets(x, y, s)) return;
    const h = s / 2;
    visit(x, y, level + 1);
    visit(x + h, y, level + 1);
    visit(x, y + h, level + 1);
    visit(x + h, y + h, level + 1);
  };
  visit(0, 0, 0);
  return { mass, coarsestLevel: coarsest, squares };
}

/**
 * Column code (the footnote's own: give x to some resolution, leave y free): the fewest bits m such that a dyadic
 * column [k/2^m, (k+1)/2^m] × [0, 1] lies inside R; Infinity if none does up to maxBits.
 */
export function columnBits(r: Region, maxBits: number): number {
  for (let m = 0; m <= maxBits; m++) {
    const s = 2 ** -m;
    for (let k = 0; k < 2 ** m; k++) {
      // A full-height column is inside iff each of its 2^m squares of side s is.
      let all = true;
      for (let j = 0; j < 2 ** m && all; j++) all = r.inside(k * s, j * s, s);
      if (all) return m;
    }
  }
  return Infinity;
}
