// The route builder. Every endpoint is declared with defineRoute(); the builder owns, in this order:
// request id → body size → authentication (+ CSRF for cookie sessions) → rate limit → zod parsing of path,
// query, headers and body → idempotency → the use case → response schema → envelope. Errors of any step
// become the error envelope. The same zod schemas are registered in the OpenAPI document, so the document
// cannot drift from what is served.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ERROR_STATUS, envelope, listEnvelope, ZErrorEnvelope, ZListMeta, type ErrorCode, type FieldIssue } from '@mc/contracts';
import {
  abandonIdempotent,
  beginIdempotent,
  completeIdempotent,
  type Ctx,
  DomainError,
  forbidden,
  IdempotencyBacklog,
  isDatabaseUnavailable,
  notFound,
  type Page,
  type Principal,
  rateLimited,
  resolveRunToken,
  RUN_TOKEN_PREFIX,
  RUN_TOKEN_REFUSAL,
  runTokenAllows,
  SESSION_COOKIE,
  unauthenticated,
  validation,
} from '@mc/core';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { z, type ZodType } from 'zod';
import type { ApiDeps } from './deps';
import { findStringProblem, jsonNestsDeeperThan, MAX_JSON_DEPTH } from './input-guard';

export type Env = { Variables: { requestId: string; principal?: Principal; sessionToken?: string | null } };
export type App = OpenAPIHono<Env>;

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * `public`: no credentials needed (counts against the per-IP limit). `user`: a person's key or session.
 * `agent`: an agent key. `any`: a person or an agent. `registration`: a pending agent's registration secret as
 * the Bearer token, checked by the use case (keys are not resolved, the per-IP limit applies).
 */
export type AuthMode = 'public' | 'user' | 'agent' | 'any' | 'registration' | 'gateway';

export interface HandlerInput<P, Q, B> {
  ctx: Ctx;
  params: P;
  query: Q;
  body: B;
  /** Version from `If-Match` (optimistic concurrency), when sent. */
  ifMatch: number | undefined;
  /** The raw Hono context, for the few routes that set cookies. */
  c: Context<Env>;
  deps: ApiDeps;
}

type SuccessStatus = 200 | 201 | 202 | 204;

/**
 * A handler's answer with a status of its own choosing, for operations whose status depends on the outcome (an
 * upsert: 201 when it created, 200 when it replaced). The status must be the route's `status` or one of its
 * `alsoStatus`, so the OpenAPI document lists every status the route can answer.
 */
export class WithStatus<T> {
  constructor(
    readonly status: SuccessStatus,
    readonly data: T,
  ) {}
}

export const withStatus = <T>(status: SuccessStatus, data: T) => new WithStatus(status, data);

/** A 204 (no body) from a route that otherwise answers with a body; the status must be in its `alsoStatus`. */
export const noContent = () => new WithStatus(204, undefined);

export interface RouteDef<P extends z.ZodObject, Q extends z.ZodObject, B extends ZodType, R extends ZodType> {
  method: Method;
  /** OpenAPI-style path: `/api/v1/workspaces/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: AuthMode;
  params?: P;
  query?: Q;
  body?: B;
  /** Schema of `data` (of each item for lists). Output is parsed by it: unknown fields never leave. */
  response: R;
  list?: boolean;
  /** Extra fields of a list's `meta` (e.g. `unreadCount`), returned by the handler in `page.meta`. */
  listMeta?: z.ZodObject;
  /** 204 answers with no body (the handler's result is ignored); `response` is then not documented. */
  status?: SuccessStatus;
  /** Further success statuses the handler may answer with `withStatus()`; documented with the same schema. */
  alsoStatus?: SuccessStatus[];
  /**
   * A schema of its own for one of `alsoStatus` (an add that may instead invite: 201 with the member, 202 with the
   * invitation); the answer is parsed by it and the document shows it under that status.
   */
  alsoResponse?: Partial<Record<SuccessStatus, ZodType>>;
  /** Accept `Idempotency-Key` (creates). */
  idempotent?: boolean;
  /**
   * Fields of `data` that hold a secret shown once (a key, a registration secret). They are never stored for
   * idempotent replay: a replay answers with the same resource and these fields set to null.
   */
  secretFields?: string[];
  /** The handler answers with its own Response (server-sent events); `response` then documents the events. */
  stream?: boolean;
  /** The operation starts work that a workspace's hard stop refuses: 402 BUDGET_EXCEEDED is documented for it. */
  budgetGated?: boolean;
  /**
   * The operation may change what a key or session resolves to (revokes or rotates a key, ends a session, changes
   * or deactivates an agent, disables or renames a person, archives a workspace): this process forgets the
   * principals it holds once it has run, before answering, so that its very next request sees the change. Other
   * processes learn it from the database's announcement (migration 0020), within milliseconds.
   */
  changesCredentials?: boolean;
  /**
   * What an answer means for this operation, replacing the generic description of that status in the document
   * (e.g. a 204 that means "nothing to do", a 409 with a reason of its own). Written for whoever calls it.
   */
  answers?: Partial<Record<number, string>>;
  handler: (input: HandlerInput<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<z.input<R> | Page<z.input<R>> | WithStatus<z.input<R>> | WithStatus<undefined> | Response | void>;
}

export interface RegisteredRoute {
  method: Method;
  path: string;
  pattern: RegExp;
  operationId: string;
  auth: AuthMode;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Issues named in one VALIDATION_ERROR (`details.moreIssues` counts the rest). */
const MAX_REPORTED_ISSUES = 20;

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: Record<string, unknown>) {
  return { success: false as const, error: { code, message, requestId, ...(details ? { details } : {}) } };
}

/**
 * `Retry-After` of a 503: the database (or a dependency) is unreachable. A few seconds: long enough not to hammer a
 * server that is restarting, short enough that clients are back soon after it is.
 */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** A short, whole list (a ticket's links, a workspace's epics) answered as one page of a `list: true` route. */
export const allItems = <T>(items: T[]) => ({ items, meta: { limit: items.length, offset: 0, total: items.length, nextCursor: null } });

export function errorResponse(c: Context<Env>, code: ErrorCode, message: string, details?: Record<string, unknown>) {
  if (code === 'UNAVAILABLE') c.header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
  return c.json(errorBody(code, message, c.get('requestId') ?? 'unknown', details), ERROR_STATUS[code]);
}

function zodIssues(err: z.ZodError, where: FieldIssue['in']): FieldIssue[] {
  const fieldOf = (path: PropertyKey[]) => (path.length ? path.map(String).join('.') : where === 'body' ? '(body)' : '(root)');
  return err.issues.flatMap((i): FieldIssue[] =>
    // An unknown field is named by its own path (one issue each), not by the object that holds it.
    i.code === 'unrecognized_keys'
      ? (i as { keys: string[] }).keys.map((k): FieldIssue => ({ field: fieldOf([...i.path, k]), in: where, message: 'unknown field', code: i.code }))
      : [{ field: fieldOf(i.path), in: where, message: i.message, code: i.code }],
  );
}

function parseOrThrow<T extends ZodType>(schema: T | undefined, value: unknown, where: FieldIssue['in']): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  // PostgreSQL text and jsonb hold neither U+0000 nor unpaired surrogates: refuse them here, in every string and key
  // of the input (even fields the schema would drop), with the field's name rather than fail in the database.
  const problem = findStringProblem(value);
  if (problem) {
    const field = problem.path.length ? problem.path.join('.') : where === 'body' ? '(body)' : '(root)';
    throw validation([{ field, in: where, message: problem.message }], `invalid ${where}: ${field}: ${problem.message}`);
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    const all = zodIssues(r.error, where);
    // A body of 50,000 unknown keys is one mistake: name enough of it to fix, not an answer the size of the body.
    const issues = all.slice(0, MAX_REPORTED_ISSUES);
    const more = all.length - issues.length;
    const message = `invalid ${where}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}${more ? `; and ${more} more` : ''}`;
    throw validation(issues, message, more ? { moreIssues: more } : undefined);
  }
  return r.data;
}

export function clientIp(c: Context<Env>, deps: ApiDeps): string {
  if (deps.trustProxy) {
    const fwd = c.req.header('x-forwarded-for');
    if (fwd) return fwd.split(',')[0].trim();
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(c: Context<Env>): string | null {
  const auth = c.req.header('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!m) throw unauthenticated('Authorization header must be "Bearer <key>"');
    return m[1];
  }
  return c.req.header('x-api-key')?.trim() || null;
}

/** Resolve who is calling. Presented-but-bad credentials are 401 even where none are needed: tell, don't guess. */
async function authenticate(c: Context<Env>, deps: ApiDeps): Promise<Principal> {
  const now = deps.clock.now();
  const key = presentedKey(c);
  if (key) {
    if (key.length > 200) throw unauthenticated('invalid API key');
    // A run token is looked up each time, never cached: it stops working when its execution ends (ADR 0023), which
    // no credential announcement tells the cache.
    const principal = key.startsWith(RUN_TOKEN_PREFIX) ? await resolveRunToken(deps.db, key, now) : await deps.credentials.resolveKey(deps.db, key, now);
    if (!principal) throw unauthenticated('invalid, expired or revoked API key');
    // A run token is no key: nothing to record (its run's reports are the agent being seen).
    if (!(principal.kind === 'agent' && principal.run)) deps.keyUsage.touch(principal.credentialId, now, principal.kind === 'agent');
    return principal;
  }
  const token = getCookie(c, SESSION_COOKIE);
  if (token) {
    c.set('sessionToken', token);
    const principal = token.length <= 200 ? await deps.credentials.resolveSession(deps.db, token, now) : null;
    if (principal) return principal;
  }
  return { kind: 'anonymous' };
}

/**
 * Cookie sessions are ambient credentials: a write is accepted only when the browser says it comes from our own
 * pages (`Sec-Fetch-Site: same-origin`, or an `Origin` equal to the host). API keys are not ambient, so they pass.
 * `X-Forwarded-Host` names the host only behind a proxy the operator trusts (MC_TRUST_PROXY): anyone else can
 * send it, and a cross-site page would set it to its own origin's host.
 */
function assertSameOrigin(c: Context<Env>, deps: ApiDeps) {
  const site = c.req.header('sec-fetch-site');
  if (site === 'same-origin') return;
  const origin = c.req.header('origin');
  const forwardedHost = deps.trustProxy ? c.req.header('x-forwarded-host')?.split(',')[0].trim() : undefined;
  // No Host header under HTTP/2 (node-server builds the URL from :authority) or for in-process requests: the
  // request URL carries the authority then.
  const host = forwardedHost || c.req.header('host') || new URL(c.req.url).host;
  if (origin && host) {
    try {
      if (new URL(origin).host === host) return;
    } catch {
      /* fall through */
    }
  }
  throw forbidden('cross-site request refused: cookie-authenticated writes must come from the dashboard');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const SECURITY: Record<AuthMode, Record<string, string[]>[]> = {
  public: [],
  registration: [{ registrationSecret: [] }],
  gateway: [{ gatewayWebhookToken: [] }],
  user: [{ bearerAuth: [] }, { apiKeyHeader: [] }, { sessionCookie: [] }],
  agent: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
  any: [{ bearerAuth: [] }, { apiKeyHeader: [] }, { sessionCookie: [] }],
};

/** Refuse a caller of the wrong kind: nobody → 401; a person on an agent route (or the reverse) → 403. */
function assertAuthMode(mode: AuthMode, principal: Principal) {
  if (mode === 'public' || mode === 'registration' || mode === 'gateway') return;
  if (principal.kind !== 'user' && principal.kind !== 'agent') {
    throw unauthenticated('authentication required: send Authorization: Bearer <key>, X-API-Key, or sign in');
  }
  if (mode === 'user' && principal.kind !== 'user') throw forbidden('this endpoint is for people; agents cannot call it');
  if (mode === 'agent' && principal.kind !== 'agent') throw forbidden('this endpoint is for agents; call it with an agent key');
}

function principalKey(principal: Principal, ip: string): string {
  if (principal.kind === 'user') return principal.userId;
  if (principal.kind === 'agent') return principal.agentId;
  return `ip:${ip}`;
}

function rateBucket(principal: Principal, ip: string): { bucket: string; anonymous: boolean } {
  if (principal.kind === 'agent') return { bucket: `key:${principal.credentialId}`, anonymous: false };
  if (principal.kind === 'user') {
    return principal.via === 'api_key'
      ? { bucket: `key:${principal.credentialId}`, anonymous: false }
      : { bucket: `user:${principal.userId}`, anonymous: false };
  }
  return { bucket: `ip:${ip}`, anonymous: true };
}

/** Refuses bytes that are not UTF-8 (JSON is UTF-8): decoding them leniently would store U+FFFD in their place. */
function decodeUtf8(bytes: ArrayBuffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw validation([{ field: '(body)', in: 'body', message: 'must be UTF-8 (well-formed Unicode)' }], 'the body is not valid UTF-8');
  }
}
const UTF8 = new TextDecoder('utf-8', { fatal: true });

async function readJsonBody(c: Context<Env>): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  const text = decodeUtf8(await c.req.arrayBuffer());
  if (text.trim() === '') return undefined;
  if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type)) {
    throw validation([{ field: 'Content-Type', in: 'header', message: 'must be application/json' }], 'send the body as JSON with Content-Type: application/json');
  }
  // Before JSON.parse and every walk of the value: a body nested deeper than any request needs is refused after one
  // linear pass over its text, so `[[[[…]]]]` costs what its size does (no deep recursion, no stack overflow).
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw validation([{ field: '(body)', in: 'body', message: `nested deeper than ${MAX_JSON_DEPTH} levels` }], `the body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw validation([{ field: '(body)', in: 'body', message: 'malformed JSON' }], 'the body is not valid JSON');
  }
}

function parseIfMatch(c: Context<Env>): number | undefined {
  const raw = c.req.header('if-match');
  if (raw === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(raw.trim());
  if (!m) {
    throw validation([{ field: 'If-Match', in: 'header', message: 'expected an integer version' }], 'If-Match must be the resource version, e.g. If-Match: 3');
  }
  return Number(m[1]);
}

function toHonoPath(path: string) {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

function toPattern(path: string) {
  return new RegExp(`^${path.replace(/\{(\w+)\}/g, '[^/]+')}/?$`);
}

const errorResponses = Object.fromEntries(
  [
    [400, 'Invalid request (VALIDATION_ERROR), with `details.issues` naming the fields'],
    [401, 'Missing, invalid, expired or revoked credentials (UNAUTHENTICATED)'],
    [403, 'Authenticated but not allowed (FORBIDDEN)'],
    [404, 'Not found, or in a workspace the caller cannot see (NOT_FOUND)'],
    [409, 'Conflict: duplicate, stale version, refused transition (CONFLICT, INVALID_TRANSITION)'],
    [413, 'Body larger than the limit (PAYLOAD_TOO_LARGE)'],
    [429, 'Rate limited (RATE_LIMITED); see Retry-After'],
    [500, 'Unexpected error (INTERNAL); quote the requestId'],
    [503, 'The database or a dependency is unreachable (UNAVAILABLE); retry after `Retry-After` seconds (a create with the same Idempotency-Key)'],
  ].map(([status, description]) => [
    status,
    {
      description,
      ...(status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' as const } } } } : {}),
      content: { 'application/json': { schema: ZErrorEnvelope } },
    },
  ]),
);

const budgetErrorResponse = {
  402: {
    description: "The workspace's monthly budget is exhausted and hard stop is on (BUDGET_EXCEEDED); `details` has month, limit, used, limitValue, resetsAt",
    content: { 'application/json': { schema: ZErrorEnvelope } },
  },
};

const rateLimitHeaders = {
  'X-RateLimit-Limit': { description: 'Requests allowed per window', schema: { type: 'integer' as const } },
  'X-RateLimit-Remaining': { description: 'Requests left in this window', schema: { type: 'integer' as const } },
  'X-RateLimit-Reset': { description: 'Seconds until the window resets', schema: { type: 'integer' as const } },
  'X-Request-Id': { description: 'Echo of the client request id, or a new one', schema: { type: 'string' as const } },
};

export class RouteBuilder {
  readonly routes: RegisteredRoute[] = [];
  /** Key writes that failed while the database was unreachable, retried until they succeed. */
  readonly idempotencyBacklog = new IdempotencyBacklog();

  /** The request failed: free its Idempotency-Key for a retry (later, if the database is unreachable now). */
  private async releaseKey(idem: { principal: string; key: string; startedAt: Date }) {
    await abandonIdempotent(this.deps.db, idem).catch((err) => this.idempotencyBacklog.add(() => abandonIdempotent(this.deps.db, idem), err));
  }
  constructor(
    readonly app: App,
    readonly deps: ApiDeps,
  ) {}

  define<P extends z.ZodObject, Q extends z.ZodObject, B extends ZodType, R extends ZodType>(def: RouteDef<P, Q, B, R>) {
    const status = def.status ?? 200;
    // A body schema that accepts "no body" (e.g. `.optional().default({})`) makes the body optional.
    const bodyOptional = def.body ? def.body.safeParse(undefined).success : false;
    const responseSchema = def.list ? listEnvelope(def.response, def.listMeta ? ZListMeta.extend(def.listMeta.shape) : ZListMeta) : envelope(def.response);
    const alsoSchemas = new Map(
      Object.entries(def.alsoResponse ?? {}).map(([s, schema]) => [Number(s) as SuccessStatus, envelope(schema as ZodType)]),
    );
    const headers = def.idempotent
      ? z.object({ 'idempotency-key': z.string().max(255).optional().openapi({ description: 'Retry-safe create: the same key returns the first result (24 h)' }) })
      : undefined;
    const route = createRoute({
      method: def.method,
      path: def.path,
      operationId: def.operationId,
      summary: def.summary,
      description: def.description,
      tags: def.tags,
      security: SECURITY[def.auth],
      request: {
        ...(def.params ? { params: def.params } : {}),
        ...(def.query ? { query: def.query } : {}),
        ...(headers ? { headers } : {}),
        ...(def.body ? { body: { required: !bodyOptional, content: { 'application/json': { schema: def.body } } } } : {}),
      },
      responses: {
        [status]: def.stream
          ? { description: 'A stream of server-sent events', content: { 'text/event-stream': { schema: def.response } } }
          : status === 204
            ? { description: 'Done; no content', headers: rateLimitHeaders }
            : { description: 'Success', headers: rateLimitHeaders, content: { 'application/json': { schema: responseSchema } } },
        ...Object.fromEntries(
          (def.alsoStatus ?? []).map((s) => [
            s,
            s === 204
              ? { description: 'Done; no content', headers: rateLimitHeaders }
              : { description: 'Success', headers: rateLimitHeaders, content: { 'application/json': { schema: alsoSchemas.get(s) ?? responseSchema } } },
          ]),
        ),
        ...errorResponses,
        ...(def.budgetGated ? budgetErrorResponse : {}),
      },
    });
    for (const [s, description] of Object.entries(def.answers ?? {})) {
      const responses = route.responses as Record<string, object>;
      if (!responses[s]) throw new Error(`${def.operationId}: answers describes ${s}, which the route does not answer`);
      // A copy: the generic error responses are shared by every route.
      responses[s] = { ...responses[s], description };
    }
    this.app.openAPIRegistry.registerPath(route);
    this.routes.push({ method: def.method, path: def.path, pattern: toPattern(def.path), operationId: def.operationId, auth: def.auth });

    const deps = this.deps;
    this.app.on(def.method.toUpperCase(), toHonoPath(def.path), async (c) => {
      let principal: Principal;
      let authError: DomainError | undefined;
      try {
        principal = def.auth === 'registration' || def.auth === 'gateway' ? { kind: 'anonymous' } : await authenticate(c, deps);
      } catch (err) {
        // A wrong key is answered 401 only after it has counted against the caller's IP, like any anonymous call:
        // otherwise guessing keys would be the one thing nobody rate-limits (and its 401 had no limit headers).
        if (!(err instanceof DomainError)) throw err;
        principal = { kind: 'anonymous' };
        authError = err;
      }
      c.set('principal', principal);
      const ip = clientIp(c, deps);

      const { bucket, anonymous } = rateBucket(principal, ip);
      const decision = await deps.rateLimiter.hit(bucket, anonymous ? deps.limits.anonPerMinute : deps.limits.perKeyPerMinute);
      c.header('X-RateLimit-Limit', String(decision.limit));
      c.header('X-RateLimit-Remaining', String(decision.remaining));
      c.header('X-RateLimit-Reset', String(decision.resetSeconds));
      if (!decision.allowed) {
        c.header('Retry-After', String(decision.resetSeconds));
        throw rateLimited(`rate limit of ${decision.limit} requests per minute exceeded; retry in ${decision.resetSeconds}s`);
      }
      if (authError) throw authError;

      assertAuthMode(def.auth, principal);
      if (principal.kind === 'agent' && principal.run) {
        const allowed = runTokenAllows(principal.run, def.method, def.path, c.req.param('id'));
        if (allowed === 'forbidden') throw forbidden(RUN_TOKEN_REFUSAL, { reason: 'run_token_scope' });
        if (allowed === 'not_found') throw notFound(def.path.includes('/executions/') ? 'execution' : 'ticket');
      }
      // Public routes use no authority of the caller's session, so a cookie that rides along needs no origin check.
      if (def.auth !== 'public' && principal.kind === 'user' && principal.via === 'session' && !SAFE_METHODS.has(c.req.method)) {
        assertSameOrigin(c, deps);
      }

      const params = parseOrThrow(def.params, c.req.param(), 'path');
      const query = parseOrThrow(def.query, c.req.query(), 'query');
      const rawBody = def.body ? await readJsonBody(c) : undefined;
      if (def.body && rawBody === undefined && !bodyOptional) {
        throw validation([{ field: '(body)', in: 'body', message: 'required' }], 'a JSON body is required');
      }
      const body = parseOrThrow(def.body, rawBody, 'body');
      const ifMatch = parseIfMatch(c);

      const ctx: Ctx = { db: deps.db, clock: deps.clock, principal, requestId: c.get('requestId'), config: deps.config };
      const idemKey = def.idempotent ? c.req.header('idempotency-key') : undefined;
      if (idemKey !== undefined && (idemKey.length === 0 || idemKey.length > 255)) {
        throw validation([{ field: 'Idempotency-Key', in: 'header', message: '1..255 characters' }], 'Idempotency-Key must be 1..255 characters');
      }
      const idem = idemKey
        ? { principal: principalKey(principal, ip), key: idemKey, operation: def.operationId, startedAt: deps.clock.now() }
        : undefined;
      if (idem) {
        let start: Awaited<ReturnType<typeof beginIdempotent>>;
        try {
          start = await beginIdempotent(deps.db, deps.clock, { ...idem, requestBody: { params, body } });
        } catch (err) {
          // The connection broke: the key's row may have been written without us hearing so. Nothing ran, so it is
          // released (once the database is back), else every retry with this key would be 409 for a day.
          if (isDatabaseUnavailable(err)) await this.releaseKey(idem);
          throw err;
        }
        if (start.kind === 'replay') {
          c.header('Idempotent-Replayed', 'true');
          return c.json(start.body as object, start.status as 200);
        }
      }

      if (def.stream) return (await def.handler({ ctx, params, query, body, ifMatch, c, deps })) as unknown as Response;
      let payload: object;
      let answered: SuccessStatus = status;
      try {
        let result: unknown;
        try {
          result = await def.handler({ ctx, params, query, body, ifMatch, c, deps });
        } finally {
          if (def.changesCredentials) deps.credentials.clear();
        }
        if (result instanceof WithStatus) {
          if (result.status !== status && !def.alsoStatus?.includes(result.status)) {
            throw new Error(`${def.operationId} answered ${result.status}, which its definition does not declare`);
          }
          answered = result.status;
          result = result.data;
        }
        if (answered === 204) {
          if (idem) await this.releaseKey(idem);
          return c.body(null, 204);
        }
        payload = shape(def, alsoSchemas.get(answered) ?? responseSchema, result);
      } catch (err) {
        if (idem) await this.releaseKey(idem);
        throw err;
      }
      if (idem) {
        const done = { ...idem, status: answered, body: redactSecrets(payload, def.secretFields) };
        // The write has committed: answer it. If the response cannot be recorded now (the database just went away),
        // it is recorded once it is back, so that a retry with the key replays it instead of creating again.
        await completeIdempotent(deps.db, done).catch((err) => this.idempotencyBacklog.add(() => completeIdempotent(deps.db, done), err));
      }
      return c.json(payload, answered as 200);
    });
  }
}

function redactSecrets(payload: object, fields: string[] | undefined): object {
  if (!fields?.length) return payload;
  const p = payload as { data?: Record<string, unknown> };
  if (!p.data || typeof p.data !== 'object') return payload;
  return { ...p, data: { ...p.data, ...Object.fromEntries(fields.map((f) => [f, null])) } };
}

function shape(def: { list?: boolean; operationId: string }, schema: ZodType, result: unknown): object {
  const raw = def.list
    ? { success: true, data: (result as Page<unknown>).items, meta: (result as Page<unknown>).meta }
    : { success: true, data: result };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    // A response that does not match its schema is our bug; never send it half-checked.
    throw new Error(`response of ${def.operationId} does not match its schema: ${parsed.error.message}`);
  }
  return parsed.data as object;
}

export { REQUEST_ID_RE };
