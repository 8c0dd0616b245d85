// Epics: groups of tickets in a workspace.
import { ZCreateEpicRequest, ZEpic, z } from '@mc/contracts';
import { createEpic, findEpics } from '@mc/core';
import { allItems, type RouteBuilder } from '../http';

export function registerEpicRoutes(r: RouteBuilder) {
  r.define({
    method: 'post',
    path: '/api/v1/epics',
    operationId: 'createEpic',
    summary: 'Create an epic (a group of tickets)',
    tags: ['Tickets'],
    auth: 'any',
    body: ZCreateEpicRequest,
    response: ZEpic,
    status: 201,
    idempotent: true,
    handler: ({ ctx, body }) => createEpic(ctx, body),
  });

  r.define({
    method: 'get',
    path: '/api/v1/epics',
    operationId: 'listEpics',
    summary: "A workspace's epics",
    tags: ['Tickets'],
    auth: 'any',
    query: z.object({ workspaceId: z.string().min(1).max(64) }),
    response: ZEpic,
    list: true,
    handler: async ({ ctx, query }) => allItems(await findEpics(ctx, query)),
  });
}
