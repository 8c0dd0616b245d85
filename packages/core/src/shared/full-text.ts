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

/**
 * A parsed `?q=`: the whole query, and the part made of its whole words (null when every word is a prefix, or when
 * a whole word might yield no lexeme — then the whole query goes to the index).
 */
export interface SearchText {
  all: string;
  wholeWords: string | null;
  hasPrefix: boolean;
}

export function parseSearch(q: string | undefined): SearchText | null {
  const all = q === undefined ? null : toSearchTsQuery(q);
  if (!all) return null;
  const terms = all.split(' & ');
  const whole = terms.filter((t) => !t.endsWith(':*'));
  // Whole words go first through the index only when each surely yields a lexeme: PostgreSQL's parser drops some
  // characters JS counts as letters or digits (`²`, recent scripts), and a whole-word query left empty would match
  // nothing, where the full query just leaves that word out.
  const indexable = whole.length > 0 && whole.every((w) => /[A-Za-z0-9]/.test(w));
  return { all, wholeWords: indexable ? whole.join(' & ') : null, hasPrefix: whole.length < terms.length };
}

/**
 * The WHERE condition of a search over a generated `search` column (its text is made of the user's words and our
 * own operators only, and is bound as a parameter).
 *
 * `wholeWordsFirst`: when the search mixes whole words and prefixes, only the whole words go through the index and
 * the prefixes are checked on the rows found (`search || ''` is not the indexed expression). GIN expands a prefix
 * into every posting of every word it starts — `logi*` is all of `login`'s, 5 % of the log — and does so again for
 * each listed bucket of a time window; the whole words of the same search are a few intersected postings. Used for
 * the time windows (few rows per whole word), not for the whole log (there a rare prefix beside a common word is
 * better served by the index).
 */
export function searchCondition(column: AnyPgColumn, text: SearchText, opts: { wholeWordsFirst?: boolean } = {}): SQL {
  if (opts.wholeWordsFirst && text.hasPrefix && text.wholeWords) {
    return sql`${column} @@ to_tsquery('simple', ${text.wholeWords}) AND (${column} || ''::tsvector) @@ to_tsquery('simple', ${text.all})`;
  }
  return sql`${column} @@ to_tsquery('simple', ${text.all})`;
}
