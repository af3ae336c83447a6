import { describe, expect, it } from 'vitest';
import { evaluateClaim } from '../../src/lib/claims';
import { formatNumber } from '../../src/lib/format';
import { getNumber, getPath } from '../../src/lib/artifactStore';
import { remarkFigureNumbers } from '../../src/remark/figureNumbers';

const results: Record<string, any> = { a: { rms: 0.2, slope: -0.49 }, b: 0.5, list: [1, 2, 3] };
const lookup = (p: string) => getPath(results, p) as number;

describe('claim conditions', () => {
  it('evaluates comparisons, chains, arithmetic and functions', () => {
    expect(evaluateClaim('a.rms < b', lookup).holds).toBe(true);
    expect(evaluateClaim('a.rms > b', lookup).holds).toBe(false);
    expect(evaluateClaim('0.45 < -a.slope < 0.55', lookup).holds).toBe(true);
    expect(evaluateClaim('0.45 < a.slope * -1 < 0.48', lookup).holds).toBe(false);
    expect(evaluateClaim('abs(a.slope + 0.5) <= 0.02', lookup).holds).toBe(true);
    expect(evaluateClaim('list.2 - list.0 == 2', lookup).holds).toBe(true);
    expect(evaluateClaim('max(list.0, list.1) / 2 == 1', lookup).holds).toBe(true);
    expect(evaluateClaim('a.rms < b && 0 < b < 1', lookup).holds).toBe(true);
    expect(evaluateClaim('a.rms < b && b > 1', lookup).holds).toBe(false);
    expect(evaluateClaim('a.rms < 1E3', lookup).holds).toBe(true);
    expect(evaluateClaim('a.rms < b', lookup).values).toEqual({ 'a.rms': 0.2, b: 0.5 });
  });

  it('rejects malformed conditions and missing paths with a clear message', () => {
    expect(() => evaluateClaim('a.rms', lookup)).toThrow('has a part with no comparison');
    expect(() => evaluateClaim('a.rms < ', lookup)).toThrow('ends too early');
    expect(() => evaluateClaim('a.rms < b; process.exit()', lookup)).toThrow('cannot read claim');
    expect(() => evaluateClaim('exp(a.rms) < 1', lookup)).toThrow('unknown function exp');
    // A non-finite side would make the comparison vacuous.
    expect(() => evaluateClaim('sqrt(0 - b) != 1', lookup)).toThrow('side 1 of a comparison is NaN, not a finite number');
    expect(() => evaluateClaim('b / 0 > 1000', lookup)).toThrow('is Infinity');
    expect(() => evaluateClaim('log(0) < -1e9', lookup)).toThrow('is -Infinity');
    expect(() => evaluateClaim('a.mean < 1', lookup)).toThrow('no "mean" in results.a; available: rms, slope');
  });
});

describe('artifact paths', () => {
  it('read results by default and the config under config.', () => {
    const artifact = { experiment: 'x', config: { d: 64 }, results: { rms: 0.5, label: 'a', nothing: null } } as any;
    expect(getNumber(artifact, 'rms')).toBe(0.5);
    expect(getNumber(artifact, 'config.d')).toBe(64);
    expect(() => getNumber(artifact, 'config.m')).toThrow('no "m" in config; available: d');
    expect(() => getNumber(artifact, 'label')).toThrow('x: results.label is "a", not a finite number');
    expect(() => getNumber(artifact, 'nothing')).toThrow('not a finite number');
  });
});

describe('number formatting', () => {
  it('uses d3-format specifiers and a true minus sign', () => {
    expect(formatNumber(0.12345, '.2f')).toBe('0.12');
    expect(formatNumber(0.9496, '.1%')).toBe('95.0%');
    expect(formatNumber(-0.5, '.1f')).toBe('−0.5');
    expect(() => formatNumber(1, 'nonsense')).toThrow('not a valid d3-format specifier');
  });
});

describe('figure numbering', () => {
  it('numbers Figure elements in document order', () => {
    const fig = () => ({ type: 'mdxJsxFlowElement', name: 'Figure', attributes: [] as any[], children: [] });
    const tree = { type: 'root', children: [fig(), { type: 'paragraph', children: [{ type: 'mdxJsxTextElement', name: 'Value', attributes: [] }] }, { type: 'blockquote', children: [fig()] }] };
    remarkFigureNumbers()(tree as any);
    const numbers = [tree.children[0], (tree.children[2] as any).children[0]].map((f: any) => f.attributes.find((a: any) => a.name === 'number').value);
    expect(numbers).toEqual(['1', '2']);
  });
});
