// Personal API keys: /me/api-keys — list, create (the key is shown once), revoke.
import { ZApiKey, ZCreateApiKeyRequest, ZCreatedApiKey, z } from '@mc/contracts';
import { createApiKey, findApiKeys, revokeApiKey } from '@mc/core';
import type { RouteBuilder } from '../http';

const ZIdParam = z.object({ id: z.string().min(1).max(64) });

export function registerApiKeyRoutes(r: RouteBuilder) {
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
    changesCredentials: true,
    summary: 'Revoke a key; it stops working at once',
    tags: ['Accounts'],
    auth: 'user',
    params: ZIdParam,
    response: ZApiKey,
    handler: ({ ctx, params }) => revokeApiKey(ctx, params.id),
  });
}
