// Query plans on the database under test (PGlite or PostgreSQL): raw statements on one connection, and the EXPLAIN
// of the very statement a list runs (the list tests: tickets-list, lists-plans).
import type { Harness } from './harness';

export type RunRaw = (text: string, params?: unknown[]) => Promise<Record<string, any>[]>;

/** Raw statements with parameters on one connection of the database under test. */
export async function onOneConnection<T>(h: Harness, fn: (run: RunRaw) => Promise<T>): Promise<T> {
  const client = (h.database.db as unknown as { $client: any }).$client;
  if (h.database.kind === 'postgres') {
    const c = await client.connect();
    try {
      return await fn(async (text, params) => (await c.query(text, params)).rows);
    } finally {
      c.release();
    }
  }
  return fn(async (text, params) => (await client.query(text, params)).rows);
}

export type PlanNode = { 'Node Type': string; 'Index Name'?: string; 'Relation Name'?: string; 'Plan Rows'?: number; Plans?: PlanNode[] };

/** A plan node and every node under it. */
export const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

/** The plan (EXPLAIN, JSON) of a built statement, with its parameters. */
export async function explain(h: Harness, statement: { toSQL(): { sql: string; params: unknown[] } }): Promise<PlanNode> {
  const { sql, params } = statement.toSQL();
  const [row] = await onOneConnection(h, (run) => run(`EXPLAIN (FORMAT JSON) ${sql}`, params));
  const plan = row['QUERY PLAN'];
  return (typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan;
}
