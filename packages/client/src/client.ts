// The typed client of the Mission Control REST API, for the dashboard, and later the agents' client, the CLI and
// the MCP server. Paths, parameters, bodies and answers are typed from the OpenAPI document the API serves
// (openapi.d.ts, generated); requests go through openapi-fetch. On top of it this module keeps one set of error
// semantics: the envelope `{success, data, meta?}` is unwrapped, every failure is thrown as an ApiError.
import createClient, { type Client, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import type { HttpMethod, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import { ApiError, isAbortError } from './errors';
import type { components, paths } from './openapi';

export type { paths, components, operations } from './openapi';

/** The API's named schemas: `Schemas['Ticket']`, `Schemas['Workspace']`, … */
export type Schemas = components['schemas'];
export type ListMeta = Schemas['ListMeta'];

export interface ApiClientOptions {
  /** Where /api/v1 is: `https://mc.example.com/api/v1`, or `/api/v1` in a browser on the same origin. */
  baseUrl: string;
  /** A user or agent key, sent as `Authorization: Bearer …` (the dashboard signs in with its session cookie instead). */
  token?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Defaults to globalThis.fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** RequestInit fields for every request, e.g. `{ credentials: 'same-origin', cache: 'no-store' }` in a browser. */
  init?: Omit<RequestInit, 'body' | 'headers' | 'method' | 'signal'>;
  /** Called on a 401 answer (a session or key that expired mid-use), unless the call passed `quiet401`. */
  onUnauthenticated?: () => void;
}

/** Extra per-call options, next to openapi-fetch's `params`, `body`, `signal`, `headers`. */
export interface CallOptions {
  /** Do not call `onUnauthenticated` on a 401 (sign-in and setup forms expect 401 as an answer). */
  quiet401?: boolean;
}

// The second argument is optional when the operation has nothing required (the same rule as openapi-fetch's).
type InitParam<Init> = RequiredKeysOf<Init> extends never ? [(Init & CallOptions & { [key: string]: unknown })?] : [Init & CallOptions & { [key: string]: unknown }];
type Operation<P extends keyof paths, M extends HttpMethod> = paths[P][M] extends Record<string | number, any> ? paths[P][M] : never;
type SuccessBody<P extends keyof paths, M extends HttpMethod, I> = NonNullable<FetchResponse<Operation<P, M>, I, 'application/json'>['data']>;

/** The `data` of an operation's success envelope (`void` for 204 answers). */
export type ResponseData<P extends keyof paths, M extends HttpMethod, I = unknown> = [SuccessBody<P, M, I>] extends [never]
  ? void
  : SuccessBody<P, M, I> extends { data: infer D }
    ? D
    : void;
/** The `meta` of a list operation's success envelope. */
export type ResponseMeta<P extends keyof paths, M extends HttpMethod = 'get', I = unknown> = SuccessBody<P, M, I> extends { meta: infer T } ? T : ListMeta;
/** The query parameters of an operation, for typed filters: `QueryOf<'/tickets'>`. */
export type QueryOf<P extends keyof paths, M extends HttpMethod = 'get'> = NonNullable<Operation<P, M> extends { parameters: { query?: infer Q } } ? Q : never>;
/** The JSON body of an operation: `BodyOf<'/tickets', 'post'>`. */
export type BodyOf<P extends keyof paths, M extends HttpMethod> = Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

type Method<M extends HttpMethod> = <P extends PathsWithMethod<paths, M>, I extends MaybeOptionalInit<paths[P], M>>(url: P, ...init: InitParam<I>) => Promise<ResponseData<P, M, I>>;

export interface Page<T, M = ListMeta> {
  items: T[];
  meta: M;
}

export interface ApiClient {
  get: Method<'get'>;
  post: Method<'post'>;
  put: Method<'put'>;
  patch: Method<'patch'>;
  delete: Method<'delete'>;
  /** GET a list endpoint: its items and its paging meta (`nextCursor`, `total`, and what the endpoint adds). */
  list<P extends PathsWithMethod<paths, 'get'>, I extends MaybeOptionalInit<paths[P], 'get'>>(
    url: P,
    ...init: InitParam<I>
  ): Promise<Page<ResponseData<P, 'get', I> extends readonly (infer T)[] ? T : never, ResponseMeta<P, 'get', I>>>;
  /** The URL of a GET endpoint with its query, e.g. the live event stream for an EventSource. */
  url<P extends PathsWithMethod<paths, 'get'>>(url: P, query?: QueryOf<P>, pathParams?: Record<string, string | number>): string;
  /** openapi-fetch's client underneath, with the same error semantics (for what the helpers above do not cover). */
  raw: Client<paths, 'application/json'>;
}

/**
 * Query strings from typed params: undefined, null and empty values are left out; an array is sent
 * comma-separated (`status=todo,in_progress`), the API's way of taking several values.
 */
export function serializeQuery(query: Record<string, unknown> | undefined): string {
  const sp = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) sp.set(key, value.join(','));
      continue;
    }
    sp.set(key, String(value));
  }
  return sp.toString();
}

type Envelope =
  | { success: true; data: unknown; meta?: Record<string, unknown> }
  | { success: false; error: { code: string; message: string; requestId?: string; details?: Record<string, unknown> } };

/**
 * fetch, with every failure turned into an ApiError: a network failure is `NETWORK` (status 0; an abort is
 * rethrown as it is), an error envelope becomes its code/message/requestId/details, an answer that is not the
 * API's envelope `UNEXPECTED` (or `INTERNAL` for 5xx). 204 passes through; a success is handed on unchanged.
 */
export function envelopeFetch(base: (request: Request) => Promise<Response> = (r) => globalThis.fetch(r)) {
  return async (request: Request): Promise<Response> => {
    let res: Response;
    try {
      res = await base(request);
    } catch (err) {
      if (isAbortError(err)) throw err;
      throw new ApiError(0, 'NETWORK', 'Could not reach the server. Check your connection and try again.', null, undefined, err);
    }
    if (res.status === 204) return res;
    const requestId = res.headers.get('x-request-id');
    const text = await res.text();
    let envelope: Envelope | null = null;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      // not JSON: handled below
    }
    if (res.ok && envelope?.success === true) return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
    if (envelope && envelope.success === false && envelope.error) {
      const e = envelope.error;
      throw new ApiError(res.status, e.code, e.message, e.requestId ?? requestId, e.details);
    }
    throw new ApiError(res.status, res.status >= 500 ? 'INTERNAL' : 'UNEXPECTED', `Unexpected answer from the server (HTTP ${res.status}).`, requestId);
  };
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const raw = createClient<paths, 'application/json'>({
    ...options.init,
    baseUrl,
    headers,
    fetch: envelopeFetch(options.fetch),
    querySerializer: (q) => serializeQuery(q as Record<string, unknown>),
  });

  async function call(method: HttpMethod, url: string, init: (CallOptions & Record<string, unknown>) | undefined) {
    const { quiet401, ...rest } = init ?? {};
    try {
      const res = await raw.request(method as 'get', url as never, rest as never);
      return res.data as Envelope | undefined;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && !quiet401) options.onUnauthenticated?.();
      throw err;
    }
  }
  const method =
    (m: HttpMethod) =>
    async (url: string, init?: CallOptions & Record<string, unknown>): Promise<any> => {
      const body = await call(m, url, init);
      return body && body.success ? body.data : undefined;
    };

  return {
    get: method('get') as Method<'get'>,
    post: method('post') as Method<'post'>,
    put: method('put') as Method<'put'>,
    patch: method('patch') as Method<'patch'>,
    delete: method('delete') as Method<'delete'>,
    list: (async (url: string, init?: CallOptions & Record<string, unknown>) => {
      const body = await call('get', url, init);
      const data = body && body.success && Array.isArray(body.data) ? body.data : [];
      const meta = (body && body.success && body.meta) || { limit: data.length };
      return { items: data, meta };
    }) as ApiClient['list'],
    url: (url, query, pathParams) => {
      const path = String(url).replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(pathParams?.[name] ?? '')));
      const search = serializeQuery(query as Record<string, unknown> | undefined);
      return `${baseUrl}${path}${search ? `?${search}` : ''}`;
    },
    raw,
  };
}
