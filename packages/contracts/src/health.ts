import { z } from './z';

/**
 * The 200 answer of `GET /api/v1/health`. When the database does not answer, health is `503 UNAVAILABLE` (the error
 * envelope, with `Retry-After` and `details: {status: "unavailable", database, databaseState: "unreachable",
 * version}`), so that load balancers and orchestrators, which look at the status code, take the process out of
 * rotation (docs/adr/0011-database-outage.md).
 */
export const ZHealth = z
  .object({
    status: z.enum(['ok', 'degraded']).openapi({
      description: '`degraded`: requests are served, but live events (long-poll wake-ups, event streams) are reconnecting',
    }),
    version: z.string(),
    database: z.enum(['pglite', 'postgres']),
    databaseState: z.enum(['reachable']).openapi({ description: 'Always `reachable` in a 200; an unreachable database makes health a 503' }),
    liveEvents: z.enum(['connected', 'reconnecting']).openapi({
      description: "This process's feed of changes from the database (PostgreSQL LISTEN)",
    }),
    uptimeSeconds: z.number(),
  })
  .openapi('Health');
