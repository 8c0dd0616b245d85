// GET /api/v1/health — liveness, version and which database serves this process
import { ZHealth } from '@mc/contracts';
import { pingDatabase, unavailable } from '@mc/core';
import type { RouteBuilder } from '../http';

const startedAt = Date.now();

export function registerHealthRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/health',
    operationId: 'getHealth',
    summary: 'Health, version and database kind',
    description:
      'For load balancers and orchestrators: 200 while this process can serve requests (`status: degraded` when its live events are reconnecting); 503 `UNAVAILABLE` with `Retry-After` while its database does not answer.',
    tags: ['Meta'],
    auth: 'public',
    response: ZHealth,
    handler: async ({ deps }) => {
      if (!(await pingDatabase(deps.db))) {
        throw unavailable('the database is unreachable', {
          status: 'unavailable',
          database: deps.databaseKind,
          databaseState: 'unreachable',
          version: deps.version,
        });
      }
      const listen = deps.liveState?.() ?? 'up';
      const liveEvents = listen === 'reconnecting' || listen === 'connecting' ? ('reconnecting' as const) : ('connected' as const);
      return {
        status: liveEvents === 'connected' ? ('ok' as const) : ('degraded' as const),
        version: deps.version,
        database: deps.databaseKind,
        databaseState: 'reachable' as const,
        liveEvents,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      };
    },
  });
}
