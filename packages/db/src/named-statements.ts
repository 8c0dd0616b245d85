// PostgreSQL: the statements Drizzle builds run as named prepared statements, so that the server parses each text
// once per connection instead of on every call.
//
// Drizzle sends every query as an unnamed statement (Parse, Bind, Execute each time): PostgreSQL parses and analyses
// the text again on every call, and the driver sends it again. For a list that is most of what the database does for
// the request (bench/README.md, "The fixed cost of a request"): the agents list of 20 cost the server ~0.33 ms of CPU
// unnamed and ~0.23 ms named. The hand-written hot-path statements (`queryRaw`) were named already; this names the
// others by their text. Plans are unchanged: PostgreSQL plans a named statement with its parameters' values (a
// custom plan) unless a generic plan is estimated to cost no more, as it does for `queryRaw`'s statements today.
import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Distinct statement texts named per process. A prepared statement costs the server some memory per connection
 * (about 40 KB with its cached plan, measured on PostgreSQL 15), kept until the connection closes; the bound keeps
 * that below ~10 MB per pooled connection however many distinct texts the app builds (an `IN (…)` list of each
 * length is a text of its own). Texts beyond it run unnamed, as before.
 */
export const MAX_NAMED_STATEMENTS = 256;

/**
 * A text is named once it has been sent this many times: one-off statements (start-up, maintenance, rare
 * operations) never take a place among the named ones.
 */
export const NAME_AFTER_USES = 2;

/** Texts seen but not named yet, by their count of uses; bounded too (forgotten beyond it, counted again later). */
const MAX_COUNTED = 4096;

export class StatementNames {
  private named = new Map<string, string>();
  private counted = new Map<string, number>();

  constructor(
    private readonly max = MAX_NAMED_STATEMENTS,
    private readonly after = NAME_AFTER_USES,
  ) {}

  /** The name to send `text` under, or undefined to send it unnamed. */
  nameOf(text: string): string | undefined {
    const name = this.named.get(text);
    if (name !== undefined || this.named.size >= this.max) return name;
    const uses = (this.counted.get(text) ?? 0) + 1;
    if (uses < this.after) {
      if (this.counted.size >= MAX_COUNTED) this.counted.clear();
      this.counted.set(text, uses);
      return undefined;
    }
    this.counted.delete(text);
    // The text's hash: the same name in every process (and the same text under one name only: the driver refuses
    // one name for two texts on a connection).
    const fresh = `mc_s_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    this.named.set(text, fresh);
    return fresh;
  }

  get size() {
    return this.named.size;
  }
}

/**
 * Only a statement with parameters is named: one without goes over the simple protocol, which allows several
 * statements in one text (a named statement must be one statement), and is rare on the request path.
 */
function nameable(config: unknown, values: unknown): config is pg.QueryConfig {
  if (!config || typeof config !== 'object') return false;
  const c = config as { text?: unknown; name?: unknown; submit?: unknown; values?: unknown };
  if (typeof c.text !== 'string' || c.name !== undefined || typeof c.submit === 'function') return false;
  const v = Array.isArray(values) ? values : c.values;
  return Array.isArray(v) && v.length > 0;
}

/** A `pg.Client` class that sends nameable statements under their name in `names` (the pool's `Client` option). */
export function namingClient(names: StatementNames): typeof pg.Client {
  class NamingClient extends pg.Client {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    query(config: any, values?: any, callback?: any): any {
      if (nameable(config, values)) {
        const name = names.nameOf(config.text);
        if (name !== undefined) config = { ...config, name };
      }
      return super.query(config, values, callback);
    }
  }
  return NamingClient as typeof pg.Client;
}
