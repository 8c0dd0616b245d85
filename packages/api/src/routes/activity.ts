// GET /api/v1/activity — the append-only log of who did what, filtered and paged
import { listQuery, searchQuery, ZActivity, ZDateTime, z } from '@mc/contracts';
import { ACTIVITY_SORT_FIELDS, findActivity } from '@mc/core';
import type { RouteBuilder } from '../http';

const ZFindActivityQuery = listQuery(ACTIVITY_SORT_FIELDS, '-createdAt').extend({
  workspaceId: z.string().max(64).optional().openapi({ description: 'Workspace id or slug' }),
  actorId: z.string().max(64).optional().openapi({ description: 'User or agent who acted' }),
  agentId: z.string().max(64).optional().openapi({ description: 'Alias of actorId for agents' }),
  action: z.string().max(100).optional().openapi({ description: 'Exact action, or a family: `workspace.*`' }),
  status: z
    .string()
    .max(40)
    .optional()
    .openapi({ description: "Outcome of the action (a ticket's new status, an execution's status), exact", example: 'done' }),
  targetId: z.string().max(64).optional(),
  from: ZDateTime.optional().openapi({ description: 'Inclusive lower bound (ISO-8601)', type: 'string', format: 'date-time', maxLength: 40 }),
  to: ZDateTime.optional().openapi({ description: 'Exclusive upper bound (ISO-8601)', type: 'string', format: 'date-time', maxLength: 40 }),
  q: searchQuery('the summary, actor name or action'),
});

export function registerActivityRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/activity',
    operationId: 'listActivity',
    summary: 'Activity log of the workspaces you can see',
    description:
      'Newest first, filtered by any combination of the parameters. `meta` has no `total`: counting a filtered log of ' +
      'millions of entries is not bounded, so page with `meta.nextCursor` (or `offset`) until it is null.',
    tags: ['Activity'],
    auth: 'user',
    query: ZFindActivityQuery,
    response: ZActivity,
    list: true,
    handler: ({ ctx, query }) => findActivity(ctx, query),
  });
}
