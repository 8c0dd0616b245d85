// Ratings: GET|POST|DELETE /tickets/{id}/rating and /executions/{id}/rating — people grade work good or bad,
// credited to the agent that did it.
import { ZRateRequest, ZRating, ZRatingSummary, z, type RatingTargetKind } from '@mc/contracts';
import { getRatingSummary, rateWork, retractRating } from '@mc/core';
import { withStatus, type RouteBuilder } from '../http';

const ZIdParam = (description: string) => z.object({ id: z.string().min(1).max(64).openapi({ description }) });

const RATING_TARGETS: { kind: RatingTargetKind; collection: string; tag: string; name: string; idDescription: string }[] = [
  { kind: 'ticket', collection: 'tickets', tag: 'Tickets', name: 'Ticket', idDescription: 'Ticket id (`tkt_…`)' },
  { kind: 'execution', collection: 'executions', tag: 'Executions', name: 'Execution', idDescription: 'Execution id (`exe_…`)' },
];

export function registerRatingRoutes(r: RouteBuilder) {
  for (const t of RATING_TARGETS) {
    const path = `/api/v1/${t.collection}/{id}/rating`;
    const params = ZIdParam(t.idDescription);
    r.define({
      method: 'get',
      path,
      operationId: `get${t.name}Rating`,
      summary: `How people rated this ${t.kind}: counts of good and bad, and your own rating`,
      tags: [t.tag, 'Metrics'],
      auth: 'any',
      params,
      response: ZRatingSummary,
      handler: ({ ctx, params }) => getRatingSummary(ctx, t.kind, params.id),
    });

    r.define({
      method: 'post',
      path,
      operationId: `rate${t.name}`,
      summary: `Rate this ${t.kind}'s work good or bad (members and above); rating again replaces yours`,
      description: `201 with the new rating, 200 when it replaced yours. Credited to ${
        t.kind === 'ticket' ? "the agent holding the ticket (it stays on record after done), else its assigned agent" : "the execution's agent"
      }; counts in that agent's and the workspace's metrics.`,
      tags: [t.tag, 'Metrics'],
      auth: 'user',
      params,
      body: ZRateRequest,
      response: ZRating,
      status: 201,
      alsoStatus: [200],
      handler: async ({ ctx, params, body }) => {
        const result = await rateWork(ctx, t.kind, params.id, body.rating);
        return withStatus(result.created ? 201 : 200, result.rating);
      },
    });

    r.define({
      method: 'delete',
      path,
      operationId: `retract${t.name}Rating`,
      summary: `Take back your rating of this ${t.kind} (404 when you have none)`,
      tags: [t.tag, 'Metrics'],
      auth: 'user',
      params,
      response: ZRating,
      status: 204,
      handler: ({ ctx, params }) => retractRating(ctx, t.kind, params.id),
    });
  }
}
