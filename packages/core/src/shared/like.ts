/**
 * A user's text as a literal inside a LIKE / ILIKE pattern: `%`, `_` and the escape character itself match only
 * themselves (PostgreSQL's default escape is the backslash). Wrap the result in `%…%` for "contains".
 */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
