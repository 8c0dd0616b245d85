import { z } from './z';

export const ZIsoDate = z.string().openapi({ format: 'date-time', example: '2026-11-24T09:00:00.000Z' });

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** The years (UTC) a date a client sends may fall in: what PostgreSQL, JavaScript and ISO-8601 all hold. */
export const DATE_YEAR_MIN = 1970;
export const DATE_YEAR_MAX = 9999;

/** Midnight UTC of a `YYYY-MM-DD` that exists in the calendar (not 2023-02-30), or null. */
export function calendarDay(value: string): Date | null {
  const m = DAY_RE.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d ? t : null;
}

/**
 * The instant of an ISO-8601 date-time with an offset (`2026-03-01T09:00:00Z`, `…+02:00`; seconds and up to 9
 * decimals optional) whose written date exists (`new Date` would roll 2023-02-30 over to March), or null.
 */
export function instantOf(value: string): Date | null {
  const m = DATE_TIME_RE.exec(value);
  if (!m || !calendarDay(m[1])) return null;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? null : t;
}

/** Whether the instant's UTC year is in min..max (a local year 9999 at -14:00 is already 10000 in UTC). */
export function inYears(t: Date, min = DATE_YEAR_MIN, max = DATE_YEAR_MAX): boolean {
  const y = t.getUTCFullYear();
  return y >= min && y <= max;
}

/**
 * A date-time a client sends (query or body), read as a Date: ISO-8601 with an offset, in the years 1970..9999
 * after conversion to UTC — a year 0 or 10000 is valid ISO but not a PostgreSQL timestamp. Use it for every
 * date-time input; anything else is a 400 naming the field.
 */
export const ZDateTime = z
  .string()
  .max(40)
  .transform((v, ctx) => {
    const t = instantOf(v);
    if (t === null || !inYears(t)) {
      ctx.addIssue({ code: 'custom', message: `expected an ISO-8601 date-time with an offset (2026-03-01T09:00:00Z) in the years ${DATE_YEAR_MIN}..${DATE_YEAR_MAX} (UTC)` });
      return z.NEVER;
    }
    return t;
  })
  .openapi({ type: 'string', format: 'date-time', maxLength: 40, example: '2026-03-01T09:00:00Z' });

/** The largest value of a PostgreSQL `integer` column: every integer input stored in one is bounded by it. */
export const INT32_MAX = 2_147_483_647;

/**
 * The `version` a client sends back for optimistic concurrency (an `integer` column, starting at 1). Bounded so
 * that a stale or made-up number is a 409 or a 400, never a number the database cannot compare.
 */
export const ZVersion = z.number().int().min(1).max(INT32_MAX);

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
      .openapi({
        description:
          'Present when more items match than were counted; `total` is then a lower bound. Lists that count only what the page shows (`?total=page`, the default where offered) give `offset` + the page + 1 while there is a next page; a count (`?total=exact`) stops at 10,000 items, and at 1,000 matches of a word search (`q`)',
      }),
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

/** The documented form of a comma-separated list of enum values (`?status=todo,in_progress`), as a pattern. */
export function commaListPattern(values: readonly string[]): string {
  const one = `(${values.join('|')})`;
  return `^${one}(,${one})*$`;
}

/**
 * `?total=`: how a list computes `meta.total` on offset pages (docs/adr/0016-list-totals.md). `page` (the default)
 * costs no query: exact on the last page, otherwise `offset` + the page + 1 with `totalCapped`; `exact` counts, up
 * to the list's cap.
 */
export const TOTAL_MODES = ['page', 'exact'] as const;
export const ZTotalMode = z
  .enum(TOTAL_MODES)
  .default('page')
  .openapi({
    description:
      '`page` (default): no count; `total` is exact on the last page, otherwise offset + this page + 1 with `totalCapped` (a lower bound, enough to page on). `exact`: a count of the matching items, up to 10,000 (`totalCapped` beyond)',
  });

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

/**
 * `?q=` of the lists with a word search (activity, executions). `where` names the searched text. The rule itself
 * (packages/core shared/full-text.ts) is the one place that turns it into a query.
 */
export function searchQuery(where: string) {
  return z
    .string()
    .max(200)
    .optional()
    .openapi({
      description:
        `Words in ${where}, case-insensitive. Every word must match, as a whole word; a word ending with \`*\` matches ` +
        'the start of words (`deplo*` finds `deployed`; at least 3 characters before the `*`). At most 8 words. ' +
        'Search syntax characters (`& | ! ( ) < > : \' " \\`) only separate words; a `q` with no letter or digit is ignored.',
      example: 'flaky login*',
    });
}
