// A search box (`?q=`) as a PostgreSQL full-text query, for the lists with a `search` tsvector column (activity,
// executions; both indexed with the 'simple' configuration and a GIN index).
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/** Most words of a search taken into the query (each is an index lookup). */
export const SEARCH_MAX_WORDS = 8;

/** Shortest prefix a `*` may ask for: a shorter one would expand to most of the index. */
export const SEARCH_MIN_PREFIX = 3;

/**
 * `?q=` as the text of a tsquery: all words required (`&`), each a whole word, unless it ends with `*`: then it is
 * the start of a word (`deplo*` finds `deployed`; at least SEARCH_MIN_PREFIX characters, a shorter one is taken
 * as a whole word). Whole words by default because a prefix is expanded over the whole index: `flaky login` costs
 * 3 ms at a million entries, `flaky login*` 13 ms (bench/README.md, bench:activity; docs/adr/0006). The
 * characters of the tsquery syntax (`& | ! ( ) < > : * ' \` and `"`) separate words and never reach the parser as
 * operators, and a word without a letter or digit is dropped, so no input can change the query's shape or make it
 * fail. Other characters stay: `to_tsquery('simple', …)` then splits a word like `role_changed`, `gpt-4o` or
 * `bob@example.com` exactly as the indexed text was split. Null when nothing searchable is left.
 */
export function toSearchTsQuery(q: string): string | null {
  const terms: string[] = [];
  for (const [, word, star] of q.matchAll(/([^\s&|!()<>:*'"\\]+)(\*?)/gu)) {
    if (!/[\p{L}\p{N}]/u.test(word)) continue;
    terms.push(star && [...word].length >= SEARCH_MIN_PREFIX ? `${word}:*` : word);
    if (terms.length === SEARCH_MAX_WORDS) break;
  }
  return terms.length ? terms.join(' & ') : null;
}

/** The WHERE condition of a search over a generated `search` column, or undefined when `q` has no word. */
export function matchesSearch(column: AnyPgColumn, q: string | undefined): SQL | undefined {
  const query = q === undefined ? null : toSearchTsQuery(q);
  // Bound as a parameter; its text is made of the user's words and our own operators only.
  return query ? sql`${column} @@ to_tsquery('simple', ${query})` : undefined;
}
