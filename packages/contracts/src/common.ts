import { z } from './z';

export const ZIsoDate = z.string().openapi({ format: 'date-time', example: '2026-11-24T09:00:00.000Z' });

export const PAGE_LIMIT_MAX = 200;
export const PAGE_LIMIT_DEFAULT = 50;

/** Success envelope around one resource. */
export function envelope<T extends z.ZodTypeAny>(data: T) {
  return z.object({ success: z.literal(true), data });
}

export const ZListMeta = z
  .object({
    limit: z.number().int(),
    offset: z.number().int().optional(),
    nextCursor: z.string().nullable().optional(),
    total: z.number().int().optional(),
    totalCapped: z
      .literal(true)
      .optional()
      .openapi({ description: 'Present when more items match than were counted: lists count at most 10,000 (then `total` is 10000)' }),
  })
  .openapi('ListMeta');

/** Success envelope around a page of resources. */
export function listEnvelope<T extends z.ZodTypeAny>(item: T, meta: z.ZodObject = ZListMeta) {
  return z.object({ success: z.literal(true), data: z.array(item), meta });
}

/**
 * The paging and sorting parameters every list accepts. `sortFields` names the fields a list may be sorted by;
 * anything else in `?sort=` is a 400 naming the field.
 */
export function listQuery<const F extends readonly [string, ...string[]]>(sortFields: F, defaultSort: string) {
  return z.object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(PAGE_LIMIT_MAX)
      .default(PAGE_LIMIT_DEFAULT)
      .openapi({ description: `Page size, 1..${PAGE_LIMIT_MAX}`, example: 50 }),
    offset: z.coerce.number().int().min(0).max(1_000_000).optional().openapi({ description: 'Rows to skip (offset paging)' }),
    cursor: z
      .string()
      .max(512)
      .optional()
      .openapi({ description: 'Opaque cursor from `meta.nextCursor` (cursor paging; not combined with offset)' }),
    sort: z
      .string()
      .max(200)
      .default(defaultSort)
      .superRefine((value, ctx) => {
        for (const part of value.split(',')) {
          const name = part.trim().replace(/^-/, '');
          if (!(sortFields as readonly string[]).includes(name)) {
            ctx.addIssue({ code: 'custom', message: `unknown sort field "${name}"; sortable: ${sortFields.join(', ')}` });
          }
        }
      })
      .openapi({ description: `Comma-separated fields, \`-\` for descending. Sortable: ${sortFields.join(', ')}`, example: defaultSort }),
  });
}

/** `?flag=true|false` as a boolean (plain `z.coerce.boolean` would read "false" as true). */
export const ZQueryBool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ZSlug = z
  .string()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase letters, digits and single dashes, e.g. "growth-team"');

export const ZEmail = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
