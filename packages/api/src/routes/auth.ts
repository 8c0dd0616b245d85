// Accounts: first-run setup, login/logout (session cookie), set-password links, /me and personal API keys.
import {
  ZApiKey,
  ZCreateApiKeyRequest,
  ZCreatedApiKey,
  ZLoginRequest,
  ZMe,
  ZSetPasswordRequest,
  ZSetupRequest,
  ZSetupStatus,
  ZUser,
  z,
} from '@mc/contracts';
import {
  completeSetup,
  createApiKey,
  findApiKeys,
  getMe,
  getSetupStatus,
  login,
  logout,
  revokeApiKey,
  SESSION_COOKIE,
  setPasswordWithToken,
} from '@mc/core';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { clientIp, type Env, type RouteBuilder } from '../http';
import type { ApiDeps } from '../deps';

const ZIdParam = z.object({ id: z.string().min(1).max(64) });

function isSecure(c: Context<Env>, deps: ApiDeps) {
  if (deps.secureCookies !== undefined) return deps.secureCookies;
  const proto = deps.trustProxy ? c.req.header('x-forwarded-proto') : undefined;
  return (proto ?? new URL(c.req.url).protocol.replace(':', '')) === 'https';
}

function startSession(c: Context<Env>, deps: ApiDeps, token: string, expiresAt: Date) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecure(c, deps),
    path: '/',
    expires: expiresAt,
  });
}

export function registerAuthRoutes(r: RouteBuilder) {
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

  r.define({
    method: 'post',
    path: '/api/v1/auth/login',
    operationId: 'login',
    summary: 'Sign in with e-mail and password; sets the HTTP-only session cookie',
    tags: ['Accounts'],
    auth: 'public',
    body: ZLoginRequest,
    response: ZUser,
    handler: async ({ ctx, body, c, deps }) => {
      const s = await login(ctx, { ...body, ip: clientIp(c, deps), userAgent: c.req.header('user-agent') });
      startSession(c, deps, s.token, s.expiresAt);
      return s.user;
    },
  });

  r.define({
    method: 'post',
    path: '/api/v1/auth/logout',
    operationId: 'logout',
    summary: 'End the current session',
    tags: ['Accounts'],
    auth: 'user',
    response: z.object({ loggedOut: z.boolean() }),
    handler: async ({ ctx, c }) => {
      await logout(ctx, c.get('sessionToken') ?? null);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return { loggedOut: true };
    },
  });

  r.define({
    method: 'post',
    path: '/api/v1/auth/set-password',
    operationId: 'setPassword',
    summary: 'Set a password with a one-time link token',
    tags: ['Accounts'],
    auth: 'public',
    body: ZSetPasswordRequest,
    response: ZUser,
    handler: ({ ctx, body }) => setPasswordWithToken(ctx, body),
  });

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

  r.define({
    method: 'get',
    path: '/api/v1/me/api-keys',
    operationId: 'listApiKeys',
    summary: 'Your personal API keys (never the secrets)',
    tags: ['Accounts'],
    auth: 'user',
    response: ZApiKey,
    list: true,
    handler: async ({ ctx }) => {
      const items = await findApiKeys(ctx);
      return { items, meta: { limit: items.length, offset: 0, total: items.length, nextCursor: null } };
    },
  });

  r.define({
    method: 'post',
    path: '/api/v1/me/api-keys',
    operationId: 'createApiKey',
    summary: 'Create a personal API key; the key is in this response only',
    tags: ['Accounts'],
    auth: 'user',
    body: ZCreateApiKeyRequest,
    response: ZCreatedApiKey,
    status: 201,
    idempotent: true,
    secretFields: ['key'],
    handler: ({ ctx, body }) => createApiKey(ctx, body),
  });

  r.define({
    method: 'delete',
    path: '/api/v1/me/api-keys/{id}',
    operationId: 'revokeApiKey',
    summary: 'Revoke a key; it stops working at once',
    tags: ['Accounts'],
    auth: 'user',
    params: ZIdParam,
    response: ZApiKey,
    handler: ({ ctx, params }) => revokeApiKey(ctx, params.id),
  });
}
