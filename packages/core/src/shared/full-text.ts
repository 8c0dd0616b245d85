// A search box (`?q=`) as a PostgreSQL full-text query, for the lists with a `search` tsvector column (activity,
// executions; both indexed with the 'simple' configuration and a GIN index).
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/** Most words of a search taken into the query (each is an index lookup). */
export const SEARCH_MAX_WORDS = 8;

/**
 * `?q=` as the text of a tsquery: all words required (`&`); the last one is a prefix (`deplo:*`), because it is
 * the one still being typed, the others are whole words — a prefix has to be expanded over the whole index, which
 * made several-word searches grow with the log (bench/README.md, bench:activity). The characters of the tsquery
 * syntax (`& | ! ( ) < > : * ' \` and `"`) separate words and never reach the parser as operators, and a word
 * without a letter or digit is dropped, so no input can change the query's shape or make it fail. Other
 * characters stay: `to_tsquery('simple', …)` then splits a word like `role_changed`, `gpt-4o` or
 * `bob@example.com` exactly as the indexed text was split. Null when nothing searchable is left.
 */
export function toSearchTsQuery(q: string): string | null {
  const words = q
    .split(/[\s&|!()<>:*'"\\]+/u)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .slice(0, SEARCH_MAX_WORDS);
  if (words.length === 0) return null;
  return words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w)).join(' & ');
}

/** The WHERE condition of a search over a generated `search` column, or undefined when `q` has no word. */
export function matchesSearch(column: AnyPgColumn, q: string | undefined): SQL | undefined {
  const query = q === undefined ? null : toSearchTsQuery(q);
  // Bound as a parameter; its text is made of the user's words and our own operators only.
  return query ? sql`${column} @@ to_tsquery('simple', ${query})` : undefined;
}
