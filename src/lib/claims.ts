/**
 * Conditions that `<Claim>` checks against artifact values, for example
 * `xor.all.rms < affine.xorMinimax.maxAbsError` or `0.45 < slope * -1 < 0.55`.
 * Grammar: comparison chains of arithmetic expressions over numbers, result paths,
 * + - * / and abs, sqrt, log, log2, log10, min, max, joined by &&. Nothing is evaluated with eval.
 */

export interface ClaimOutcome {
  holds: boolean;
  /** Every path read, with its value, for the message. */
  values: Record<string, number>;
  /** The operands of each comparison, in order. */
  sides: number[];
}

type Token = { kind: 'num'; value: number } | { kind: 'path'; value: string } | { kind: 'op'; value: string };

const COMPARATORS = ['<=', '>=', '==', '!=', '<', '>'];
const FUNCTIONS: Record<string, (...a: number[]) => number> = {
  abs: Math.abs, sqrt: Math.sqrt, log: Math.log, log2: Math.log2, log10: Math.log10, min: Math.min, max: Math.max,
};

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][\w]*(?:\.[\w]+)*)|(&&|<=|>=|==|!=|[<>+\-*/(),]))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new Error(`cannot read claim "${src}" at "${src.slice(pos)}"`);
    pos = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2]) tokens.push({ kind: 'path', value: m[2] });
    else tokens.push({ kind: 'op', value: m[3] });
  }
  return tokens;
}

/**
 * Evaluate a condition. Every side must be a finite number: a NaN or infinite side (a division by zero,
 * the log of a negative) would make comparisons hold or fail vacuously, so it is an error instead.
 */
export function evaluateClaim(src: string, lookup: (path: string) => number, opts: { requireFinite?: boolean } = {}): ClaimOutcome {
  const requireFinite = opts.requireFinite ?? true;
  const tokens = tokenize(src);
  let i = 0;
  const values: Record<string, number> = {};
  const peek = () => tokens[i];
  const isOp = (v: string) => peek()?.kind === 'op' && peek()!.value === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new Error(`claim "${src}": expected "${v}"`);
    i++;
  };
  const factor = (): number => {
    const t = tokens[i++];
    if (!t) throw new Error(`claim "${src}" ends too early`);
    if (t.kind === 'num') return t.value;
    if (t.kind === 'op' && t.value === '-') return -factor();
    if (t.kind === 'op' && t.value === '(') {
      const v = expr();
      expect(')');
      return v;
    }
    if (t.kind === 'path') {
      if (isOp('(')) {
        const fn = FUNCTIONS[t.value];
        if (!fn) throw new Error(`claim "${src}": unknown function ${t.value}; allowed: ${Object.keys(FUNCTIONS).join(', ')}`);
        i++;
        const args = [expr()];
        while (isOp(',')) {
          i++;
          args.push(expr());
        }
        expect(')');
        return fn(...args);
      }
      const v = lookup(t.value);
      values[t.value] = v;
      return v;
    }
    throw new Error(`claim "${src}": unexpected "${t.value}"`);
  };
  const term = (): number => {
    let v = factor();
    while (isOp('*') || isOp('/')) v = tokens[i++].value === '*' ? v * factor() : v / factor();
    return v;
  };
  const expr = (): number => {
    let v = term();
    while (isOp('+') || isOp('-')) v = tokens[i++].value === '+' ? v + term() : v - term();
    return v;
  };
  const allSides: number[] = [];
  let holds = true;
  for (;;) {
    const sides = [expr()];
    const ops: string[] = [];
    while (peek()?.kind === 'op' && COMPARATORS.includes(peek()!.value as string)) {
      ops.push(tokens[i++].value as string);
      sides.push(expr());
    }
    if (ops.length === 0) throw new Error(`claim "${src}" has a part with no comparison (use <, <=, >, >=, == or !=)`);
    const bad = sides.findIndex((v) => !Number.isFinite(v));
    if (requireFinite && bad >= 0) throw new Error(`claim "${src}": side ${bad + 1} of a comparison is ${sides[bad]}, not a finite number`);
    holds &&= ops.every((op, k) => compare(sides[k], op, sides[k + 1]));
    allSides.push(...sides);
    if (!isOp('&&')) break;
    i++;
  }
  if (i !== tokens.length) throw new Error(`claim "${src}": unexpected "${tokens[i].value}"`);
  return { holds, values, sides: allSides };
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    default: return a !== b;
  }
}
