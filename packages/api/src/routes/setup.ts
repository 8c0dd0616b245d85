// First-run setup: is the instance set up, and creating its first admin (who is then signed in).
import { ZSetupRequest, ZSetupStatus, ZUser } from '@mc/contracts';
import { completeSetup, getSetupStatus, login } from '@mc/core';
import { clientIp, type RouteBuilder } from '../http';
import { startSession } from './auth';

export function registerSetupRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/setup',
    operationId: 'getSetupStatus',
    summary: 'Does this instance still need its first admin?',
    tags: ['Accounts'],
    auth: 'public',
    response: ZSetupStatus,
    handler: ({ ctx }) => getSetupStatus(ctx),
  });

  r.define({
    method: 'post',
    path: '/api/v1/setup',
    operationId: 'completeSetup',
    summary: 'Create the instance admin (only while no user exists) and sign in',
    tags: ['Accounts'],
    auth: 'public',
    body: ZSetupRequest,
    response: ZUser,
    status: 201,
    handler: async ({ ctx, body, c, deps }) => {
      const user = await completeSetup(ctx, body);
      const s = await login(ctx, { email: body.email, password: body.password, ip: clientIp(c, deps), userAgent: c.req.header('user-agent') });
      startSession(c, deps, s.token, s.expiresAt);
      return user;
    },
  });
}
