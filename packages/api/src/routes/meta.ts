// GET /api/v1/health — liveness, version and which database serves this process
import { ZHealth } from '@mc/contracts';
import { pingDatabase } from '@mc/core';
import type { RouteBuilder } from '../http';

const startedAt = Date.now();

export function registerMetaRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/health',
    operationId: 'getHealth',
    summary: 'Health, version and database kind',
    tags: ['Meta'],
    auth: 'public',
    response: ZHealth,
    handler: async ({ deps }) => {
      const status = (await pingDatabase(deps.db)) ? ('ok' as const) : ('degraded' as const);
      return { status, version: deps.version, database: deps.databaseKind, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
    },
  });
}
