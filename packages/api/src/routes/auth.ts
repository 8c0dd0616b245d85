// Signing in: login/logout (the session cookie) and set-password links (first-run setup: setup.ts; /me: me.ts;
// personal API keys: api-keys.ts).
import { ZLoginRequest, ZSetPasswordRequest, ZUser, z } from '@mc/contracts';
import { login, logout, SESSION_COOKIE, setPasswordWithToken } from '@mc/core';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { clientIp, type Env, type RouteBuilder } from '../http';
import type { ApiDeps } from '../deps';

function isSecure(c: Context<Env>, deps: ApiDeps) {
  if (deps.secureCookies !== undefined) return deps.secureCookies;
  const proto = deps.trustProxy ? c.req.header('x-forwarded-proto') : undefined;
  return (proto ?? new URL(c.req.url).protocol.replace(':', '')) === 'https';
}

export function startSession(c: Context<Env>, deps: ApiDeps, token: string, expiresAt: Date) {
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
    changesCredentials: true,
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
}
