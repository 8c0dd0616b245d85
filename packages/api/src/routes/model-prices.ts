// Model prices (USD per million tokens), versioned: the one in force per model, and new versions (instance admin).
import { ZCreateModelPriceRequest, ZModelName, ZModelPrice, z } from '@mc/contracts';
import { createModelPrice, findModelPrices } from '@mc/core';
import type { RouteBuilder } from '../http';

const ZFindModelPricesQuery = z.object({
  model: ZModelName.optional().openapi({ description: "One model's price history (every version, newest first)" }),
  limit: z.coerce.number().int().min(1).max(200).default(200),
});

export function registerModelPriceRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/model-prices',
    operationId: 'listModelPrices',
    summary: 'Model prices (USD per million tokens): the one in force per model, or one model\'s history',
    tags: ['Executions'],
    auth: 'any',
    query: ZFindModelPricesQuery,
    response: ZModelPrice,
    list: true,
    handler: async ({ ctx, query }) => ({ items: await findModelPrices(ctx, query), meta: { limit: query.limit, nextCursor: null } }),
  });

  r.define({
    method: 'post',
    path: '/api/v1/model-prices',
    operationId: 'createModelPrice',
    summary: 'Add a price version for a model (instance admin); prices are never edited, and costed executions keep theirs',
    tags: ['Executions'],
    auth: 'user',
    body: ZCreateModelPriceRequest,
    response: ZModelPrice,
    status: 201,
    idempotent: true,
    handler: ({ ctx, body }) => createModelPrice(ctx, body),
  });
}
