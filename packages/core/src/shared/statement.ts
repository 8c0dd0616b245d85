// Hand-written statements for the hot paths (claim, move, poll), where Drizzle's query builder costs more than the
// query itself (bench/README.md). Parameters are named (`:ticketId`) so that a statement of a dozen parameters stays
// readable; they are compiled once to PostgreSQL's `$n`, and the statement runs prepared under its name
// (`queryRaw` in @mc/db).
import { queryRaw, type Db } from '@mc/db';

export interface Statement<P extends string> {
  name: string;
  text: string;
  run<T = Record<string, any>>(db: Db, params: Record<P, unknown>): Promise<T[]>;
}

/**
 * `statement('mc_claim_ticket', 'UPDATE … WHERE id = :ticketId …')`. A `:name` preceded by another colon (a
 * `::type` cast) or inside a '…' literal is left alone. Every parameter must be given on each run (a missing one throws: a typo must not
 * become NULL).
 */
export function statement<P extends string>(name: string, text: string): Statement<P> {
  const order: string[] = [];
  // Only outside '…' literals (the odd pieces of a split on quotes), so that a literal may hold a colon.
  const compiled = text
    .split("'")
    .map((piece, i) =>
      i % 2 === 1
        ? piece
        : piece.replace(/(?<!:):([a-zA-Z][a-zA-Z0-9]*)/g, (_, param: string) => {
            let n = order.indexOf(param);
            if (n < 0) n = order.push(param) - 1;
            return `$${n + 1}`;
          }),
    )
    .join("'");
  return {
    name,
    text: compiled,
    run(db, params) {
      const values = order.map((p) => {
        const v = (params as Record<string, unknown>)[p];
        if (v === undefined) throw new Error(`statement ${name}: parameter :${p} is missing`);
        return v;
      });
      return queryRaw(db, name, compiled, values);
    },
  };
}

/** A timestamptz expression as text in the form of JavaScript's `Date.prototype.toISOString()` (UTC, milliseconds, `Z`). */
export const isoSql = (ts: string) => `to_char(${ts} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** `n` ids of `newId`'s format as a PostgreSQL text[] literal (ids are `[0-9A-Za-z_]` only): per-row ids of a set statement. */
export const idArrayLiteral = (ids: readonly string[]) => `{${ids.join(',')}}`;
