import { z } from 'zod';

/**
 * The numeric paths a zod schema allows, as patterns: `#` stands for an array index, `*` for a record key.
 * `<Value>` and `<Claim>` paths are checked against these at build (through the manifest), so a typo or a
 * field the result no longer has fails with the nearest valid paths.
 */
export function numericPaths(schema: z.ZodTypeAny, prefix = '', out: string[] = []): string[] {
  const def = schema._def as { typeName?: string };
  const join = (k: string) => (prefix ? `${prefix}.${k}` : k);
  switch (def.typeName) {
    case 'ZodNumber':
      out.push(prefix);
      break;
    case 'ZodObject':
      for (const [k, v] of Object.entries((schema as z.AnyZodObject).shape)) numericPaths(v as z.ZodTypeAny, join(k), out);
      break;
    case 'ZodArray':
      numericPaths((schema as z.ZodArray<z.ZodTypeAny>).element, join('#'), out);
      break;
    case 'ZodTuple':
      (schema as z.ZodTuple).items.forEach((item: z.ZodTypeAny, i: number) => numericPaths(item, join(String(i)), out));
      break;
    case 'ZodRecord':
      numericPaths((schema as z.ZodRecord).valueSchema, join('*'), out);
      break;
    case 'ZodOptional':
    case 'ZodNullable':
      numericPaths((schema as z.ZodOptional<z.ZodTypeAny>).unwrap(), prefix, out);
      break;
    case 'ZodDefault':
      numericPaths((schema as z.ZodDefault<z.ZodTypeAny>).removeDefault(), prefix, out);
      break;
    case 'ZodEffects':
      numericPaths((schema as z.ZodEffects<z.ZodTypeAny>).innerType(), prefix, out);
      break;
    case 'ZodUnion':
    case 'ZodDiscriminatedUnion':
      for (const o of (schema as z.ZodUnion<[z.ZodTypeAny, ...z.ZodTypeAny[]]>).options) numericPaths(o, prefix, out);
      break;
    case 'ZodIntersection': {
      const d = schema._def as { left: z.ZodTypeAny; right: z.ZodTypeAny };
      numericPaths(d.left, prefix, out);
      numericPaths(d.right, prefix, out);
      break;
    }
    case 'ZodLazy':
      numericPaths((schema._def as { getter: () => z.ZodTypeAny }).getter(), prefix, out);
      break;
    case 'ZodAny':
    case 'ZodUnknown':
      out.push(prefix ? `${prefix}.**` : '**');
      break;
    default:
      break;
  }
  return [...new Set(out)];
}
