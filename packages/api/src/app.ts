import { OpenAPIHono } from '@hono/zod-openapi';
import { EVENT_CATALOG, ZDispatchDeliveryPayload, ZDomainEvent } from '@mc/contracts';
import { DomainError, isConcurrencyConflict, isDatabaseUnavailable, OutageLog } from '@mc/core';
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ApiDeps } from './deps';
import { errorBody, errorResponse, REQUEST_ID_RE, RouteBuilder, type Env } from './http';
import { registerRoutes } from './routes';
import { swaggerAsset, swaggerHtml } from './swagger';

export interface ApiApp {
  app: OpenAPIHono<Env>;
  builder: RouteBuilder;
  /** The OpenAPI 3.0.3 document (generated once from the registered zod schemas). */
  openApiDocument(): Record<string, unknown>;
}

/** Whether the request came in through Node's HTTP server (@hono/node-server passes its IncomingMessage as `env.incoming`). */
const overNodeHttp = (c: Context) => typeof (c.env as { incoming?: { httpVersion?: unknown } } | undefined)?.incoming?.httpVersion === 'string';

export function createApiApp(deps: ApiDeps): ApiApp {
  const app = new OpenAPIHono<Env>();
  // While the database is down every request fails the same way: one log line for the outage, not one per request.
  const unreachable = new OutageLog('[api] requests');

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);
    await next();
    if (unreachable.failing && c.res.status < 500) unreachable.ok();
    c.res.headers.set('X-Request-Id', requestId);
    // API answers are per caller: never cache them in shared caches, never sniff their type.
    if (!c.req.path.startsWith('/api-docs')) c.res.headers.set('Cache-Control', 'no-store');
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  });

  const tooLarge = (c: Context) =>
    c.json(
      errorBody('PAYLOAD_TOO_LARGE', `request body is larger than ${deps.limits.maxBodyBytes} bytes`, (c as never as { get(k: string): string }).get('requestId')),
      413,
    );
  const limitBody = bodyLimit({ maxSize: deps.limits.maxBodyBytes, onError: tooLarge });
  // Reads carry no body; skipping the check spares them the cost of materialising the request body stream. A write
  // that declares its length (no chunked encoding; Node's parser holds the body to that length) is checked from the
  // header alone, for the same reason: a bodyless PATCH such as a claim would otherwise pay for a full Request. Over
  // Node's HTTP server (`c.env.incoming`), a request with neither Content-Length nor Transfer-Encoding has no body at
  // all (RFC 9112 §6.3: its length is zero, and Node's parser reads none) — as wrk and several HTTP clients send a
  // bodyless `PATCH …/claim`: nothing to limit, and no Request to build (8–12 % of such a claim's CPU,
  // bench/README.md). A Request handed to `app.fetch` directly may carry a body without either header: it is checked.
  app.use('/api/*', async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    const chunked = c.req.header('transfer-encoding') !== undefined;
    if (declared === undefined && !chunked && overNodeHttp(c)) return next();
    if (declared !== undefined && /^\d+$/.test(declared) && !chunked) {
      return Number(declared) > deps.limits.maxBodyBytes ? tooLarge(c) : next();
    }
    return limitBody(c, next);
  });

  app.onError((err, c) => {
    if (err instanceof DomainError) return errorResponse(c, err.code, err.message, err.details);
    const requestId = c.get('requestId') ?? 'unknown';
    // A lost or refused connection, a connect timeout, a server shutting down: the caller may retry (503 with
    // Retry-After); the driver's words stay in the log.
    if (isDatabaseUnavailable(err)) {
      unreachable.failed(err, `answering 503 UNAVAILABLE while the database is unreachable (e.g. ${requestId} ${c.req.method} ${c.req.path})`);
      return errorResponse(c, 'UNAVAILABLE', 'the database is unreachable right now; retry shortly');
    }
    if (isConcurrencyConflict(err)) {
      return errorResponse(c, 'CONFLICT', 'a concurrent change to the same data got in the way and nothing was saved; send the request again', {
        reason: 'concurrent_change',
      });
    }
    console.error(`[api] ${requestId} ${c.req.method} ${c.req.path} failed:`, err);
    return c.json(errorBody('INTERNAL', 'something went wrong on our side; quote the request id when reporting it', requestId), 500);
  });

  const builder = new RouteBuilder(app, deps);
  registerRoutes(builder);

  // The event catalog, documented: the envelope webhooks deliver, and one payload schema per event type.
  app.openAPIRegistry.register('DomainEvent', ZDomainEvent);
  for (const [type, spec] of Object.entries(EVENT_CATALOG)) {
    const name = `EventData_${type.replace(/[^A-Za-z0-9]+/g, '_')}`;
    app.openAPIRegistry.register(
      name,
      spec.data.openapi({ description: `\`data\` of a \`${type}\` event (version ${spec.version}), as webhooks deliver it` }),
    );
  }

  // What a dispatched ticket's POST to an agent's endpoint carries (POST /tickets/{id}/dispatch).
  app.openAPIRegistry.register('DispatchDeliveryPayload', ZDispatchDeliveryPayload);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'A user key (`mc_usr_…`) or an agent key (`mc_agt_…`)',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'registrationSecret', {
    type: 'http',
    scheme: 'bearer',
    description: "A pending agent's registration secret (`mc_reg_…`), only for its registration poll",
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'gatewayWebhookToken', {
    type: 'http',
    scheme: 'bearer',
    description: "An OpenClaw gateway's cron webhook token (`cron.webhookToken`, set on the gateway by Mission Control), only for its cron deliveries",
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKeyHeader', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'mc_session',
    description: 'Dashboard session; writes must be same-origin',
  });

  let doc: Record<string, unknown> | undefined;
  const openApiDocument = () =>
    (doc ??= app.getOpenAPIDocument({
      openapi: '3.0.3',
      info: {
        title: 'Mission Control API',
        version: deps.version,
        description:
          'The control plane for autonomous AI agents. Every response is an envelope: `{success: true, data, meta?}` or `{success: false, error: {code, message, requestId, details?}}`.',
      },
      servers: [{ url: '/' }],
    }) as unknown as Record<string, unknown>);

  app.get('/api/openapi', (c) => c.json(openApiDocument()));
  app.get('/api/openapi.json', (c) => c.json(openApiDocument()));
  app.get('/api-docs', (c) => c.html(swaggerHtml()));
  app.get('/api-docs/assets/:file', (c) => swaggerAsset(c.req.param('file')));

  app.notFound((c) => {
    const path = c.req.path;
    const allowed = builder.routes.filter((r) => r.pattern.test(path)).map((r) => r.method.toUpperCase());
    if (allowed.length) {
      c.header('Allow', [...new Set(allowed)].join(', '));
      return errorResponse(c, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here; use ${allowed.join(', ')}`);
    }
    return errorResponse(c, 'NOT_FOUND', `no such endpoint: ${c.req.method} ${path}`);
  });

  return { app, builder, openApiDocument };
}
