/**
 * A form's worth of description of an experiment's zod config: for every leaf field its kind, its schema bounds,
 * the bounds a browser re-run allows, and its value in a profile. Machinery only (zod 3 internals, no experiment).
 *
 * Re-run bounds keep a run short: an integer size above 1 may go down to the schema's minimum and up to twice its
 * profile value; a list of numbers may hold up to twice as many items as the profile's. The seed may be any
 * integer the schema allows, up to 2^31 − 1. Other numbers keep the schema's own bounds.
 */
import type { z } from 'zod';

interface NumberBounds {
  integer: boolean;
  min?: number;
  max?: number;
  /** Whether min (max) itself is excluded (`.positive()`). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

export type FormField =
  | ({ path: string[]; kind: 'number'; value: number } & NumberBounds)
  | { path: string[]; kind: 'boolean'; value: boolean }
  | { path: string[]; kind: 'enum'; options: string[]; value: string }
  | ({ path: string[]; kind: 'numbers'; value: number[]; maxItems: number; minItems: number } & NumberBounds)
  /** Not editable in a form (objects in lists, strings): shown, kept at the profile's value. */
  | { path: string[]; kind: 'fixed'; value: unknown };

const SEED_MAX = 2 ** 31 - 1;

function unwrap(s: z.ZodTypeAny): z.ZodTypeAny {
  let t: any = s;
  for (;;) {
    const name = t?._def?.typeName;
    if (name === 'ZodOptional' || name === 'ZodNullable' || name === 'ZodDefault' || name === 'ZodReadonly' || name === 'ZodBranded') t = t._def.innerType ?? t._def.type;
    else if (name === 'ZodEffects') t = t._def.schema;
    else if (name === 'ZodPipeline') t = t._def.in;
    else return t;
  }
}

function numberBounds(s: z.ZodTypeAny): NumberBounds {
  const b: NumberBounds = { integer: false };
  for (const c of (s as any)._def.checks ?? []) {
    if (c.kind === 'int') b.integer = true;
    else if (c.kind === 'min' && (b.min === undefined || c.value >= b.min)) {
      b.min = c.value;
      b.minExclusive = !c.inclusive;
    } else if (c.kind === 'max' && (b.max === undefined || c.value <= b.max)) {
      b.max = c.value;
      b.maxExclusive = !c.inclusive;
    }
  }
  return b;
}

/** Tighten a size's upper bound to twice its profile value (sizes only: integers above 1). */
function shortRun(b: NumberBounds, values: number[]): NumberBounds {
  const top = Math.max(...values);
  if (!b.integer || !(top > 1)) return b;
  const cap = 2 * top;
  return b.max === undefined || cap < b.max ? { ...b, max: cap, maxExclusive: false } : b;
}

/** The form fields of `schema` with their values in `profileValue` (a profile's config). */
export function describeConfig(schema: z.ZodTypeAny, profileValue: unknown): FormField[] {
  const out: FormField[] = [];
  const walk = (s: z.ZodTypeAny, value: unknown, path: string[]) => {
    const t = unwrap(s);
    const name = (t as any)._def.typeName;
    if (name === 'ZodObject' && value && typeof value === 'object' && !Array.isArray(value)) {
      const shape = (t as z.AnyZodObject).shape;
      for (const key of Object.keys(shape)) if (key in (value as object)) walk(shape[key], (value as any)[key], [...path, key]);
    } else if (name === 'ZodNumber' && typeof value === 'number') {
      const b = numberBounds(t);
      if (path.length === 1 && path[0] === 'seed') out.push({ path, kind: 'number', value, ...b, integer: true, min: b.min ?? 0, max: Math.min(b.max ?? SEED_MAX, SEED_MAX) });
      else out.push({ path, kind: 'number', value, ...shortRun(b, [value]) });
    } else if (name === 'ZodBoolean' && typeof value === 'boolean') {
      out.push({ path, kind: 'boolean', value });
    } else if (name === 'ZodEnum' && typeof value === 'string') {
      out.push({ path, kind: 'enum', options: [...(t as any)._def.values], value });
    } else if (name === 'ZodArray' && Array.isArray(value) && unwrap((t as any)._def.type)._def.typeName === 'ZodNumber' && value.every((v) => typeof v === 'number')) {
      const def = (t as any)._def;
      const b = shortRun(numberBounds(unwrap(def.type)), value.length ? value : [0]);
      const maxItems = Math.min(def.maxLength?.value ?? Infinity, Math.max(1, 2 * value.length));
      out.push({ path, kind: 'numbers', value, ...b, minItems: def.minLength?.value ?? def.exactLength?.value ?? 0, maxItems });
    } else {
      out.push({ path, kind: 'fixed', value });
    }
  };
  walk(schema, profileValue, []);
  return out;
}

/** Whether `v` is inside a number field's bounds (for the form's own check before a run starts). */
export function withinBounds(f: NumberBounds, v: number): boolean {
  if (!Number.isFinite(v) || (f.integer && !Number.isInteger(v))) return false;
  if (f.min !== undefined && (f.minExclusive ? v <= f.min : v < f.min)) return false;
  if (f.max !== undefined && (f.maxExclusive ? v >= f.max : v > f.max)) return false;
  return true;
}
