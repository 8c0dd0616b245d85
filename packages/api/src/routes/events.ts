// GET /api/v1/events — server-sent events of one workspace, for live boards and ticket pages
import { z } from '@mc/contracts';
import { LIVE_RESYNC, requireWorkspaceAccess, type LiveEvent } from '@mc/core';
import type { RouteBuilder } from '../http';

/** A comment line keeps proxies and browsers from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

const ZLiveEvent = z
  .object({
    type: z.string().openapi({ example: 'ticket.claimed' }),
    workspaceId: z.string(),
    ticketId: z.string().optional(),
    agentId: z.string().optional(),
    commentId: z.string().optional(),
    status: z.string().optional(),
    eventId: z.string().optional().openapi({ description: 'The outbox event (as webhooks deliver it), when there is one' }),
    at: z.string(),
  })
  .openapi('LiveEvent');

export function registerEventRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/events',
    operationId: 'streamEvents',
    summary: "Live events of a workspace (server-sent events): ticket created/claimed/moved/released, comments, …",
    description:
      'Each event is named by its `type`. A `resync` event means the server lost its own feed of changes for a while (its database connection was down) and has it back: events in between may be missing, so re-read what you show.',
    tags: ['Events'],
    auth: 'any',
    query: z.object({ workspaceId: z.string().min(1).max(64) }),
    response: ZLiveEvent,
    stream: true,
    handler: async ({ ctx, query, c, deps }) => {
      const { workspace } = await requireWorkspaceAccess(ctx, query.workspaceId, 'tickets.read');
      const encoder = new TextEncoder();
      let cleanup = () => {};
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          const send = (text: string) => {
            try {
              controller.enqueue(encoder.encode(text));
            } catch {
              cleanup();
            }
          };
          send(`retry: 3000\n: connected to ${workspace.slug}\n\n`);
          const unsubscribe = deps.live.subscribe((e: LiveEvent) => {
            if (e.type === LIVE_RESYNC) {
              // The server's feed was broken (database outage) and is back: events in between are lost, so the
              // client re-reads what it shows. The stream itself stays open.
              send(`event: ${LIVE_RESYNC}\ndata: ${JSON.stringify({ type: LIVE_RESYNC, workspaceId: workspace.id, at: e.at })}\n\n`);
              return;
            }
            if (e.workspaceId !== workspace.id) return;
            // `recipients` routes notification long-polls inside the server; it is nobody else's business.
            const { recipients: _recipients, ...shown } = e;
            send(`event: ${e.type}\ndata: ${JSON.stringify(shown)}\n\n`);
          });
          const keepalive = setInterval(() => send(': keepalive\n\n'), KEEPALIVE_MS);
          cleanup = () => {
            unsubscribe();
            clearInterval(keepalive);
          };
          c.req.raw.signal.addEventListener('abort', () => {
            cleanup();
            try {
              controller.close();
            } catch {
              /* already closed */
            }
          });
        },
        cancel() {
          cleanup();
        },
      });
      return new Response(stream, {
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': c.get('requestId'),
        },
      });
    },
  });
}
