// GET /me: who is calling.
import { ZMe } from '@mc/contracts';
import { getMe } from '@mc/core';
import type { RouteBuilder } from '../http';

export function registerMeRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/me',
    operationId: 'getMe',
    summary: 'The calling user',
    tags: ['Accounts'],
    auth: 'user',
    response: ZMe,
    handler: ({ ctx }) => getMe(ctx),
  });
}
