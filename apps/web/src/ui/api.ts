// The dashboard's one door to the REST API: same-origin fetch with the session cookie, the envelope unwrapped,
// and every failure turned into an ApiError that carries what the page needs to explain it.
import type { FieldIssue } from './types';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
    readonly details: Record<string, unknown> | undefined = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field-level validation problems (`details.issues`), if any. */
  get issues(): FieldIssue[] {
    const issues = this.details?.issues;
    return Array.isArray(issues) ? (issues as FieldIssue[]) : [];
  }

  /** The message for one body field, e.g. `fieldError('slug')`. */
  fieldError(field: string): string | undefined {
    const issue = this.issues.find((i) => i.field === field);
    return issue ? prettyIssue(issue.message) : undefined;
  }
}

/** zod's default wording, said the way a form would say it. */
export function prettyIssue(message: string): string {
  let m: RegExpMatchArray | null;
  if ((m = /^Too small: expected string to have >=?(\d+) characters?$/.exec(message))) return m[1] === '1' ? 'Required' : `At least ${m[1]} characters`;
  if ((m = /^Too big: expected string to have <=?(\d+) characters?$/.exec(message))) return `At most ${m[1]} characters`;
  if ((m = /^Too small: expected number to be >=?(-?[\d.]+)$/.exec(message))) return `Must be at least ${m[1]}`;
  if ((m = /^Too big: expected number to be <=?(-?[\d.e+]+)$/.exec(message))) return `Must be at most ${m[1]}`;
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return 'Required';
  if (message === 'Invalid email address') return 'Enter a valid e-mail address';
  return message.charAt(0).toUpperCase() + message.slice(1);
}

export interface ListMeta {
  limit: number;
  offset?: number;
  nextCursor?: string | null;
  total?: number;
}

export interface ApiOptions {
  signal?: AbortSignal;
  /** Do not hand a 401 to the session handler (login and setup forms expect 401 as an answer). */
  quiet401?: boolean;
}

type UnauthenticatedHandler = () => void;
let onUnauthenticated: UnauthenticatedHandler | null = null;

/** The signed-in shell registers this so that a session that expires mid-use lands on the login page. */
export function setUnauthenticatedHandler(handler: UnauthenticatedHandler | null) {
  onUnauthenticated = handler;
}

async function request<T>(method: string, path: string, body: unknown, options: ApiOptions): Promise<{ data: T; meta?: ListMeta }> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'Could not reach the server. Check your connection and try again.');
  }
  const requestId = res.headers.get('x-request-id');
  // 204 No Content (e.g. DELETE …/rating): success without a body.
  if (res.status === 204) return { data: undefined as T };
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    // not JSON: handled below
  }
  const envelope = json as
    | { success: true; data: T; meta?: ListMeta }
    | { success: false; error: { code: string; message: string; requestId?: string; details?: Record<string, unknown> } }
    | null;
  if (res.ok && envelope && envelope.success === true) return { data: envelope.data, meta: envelope.meta };
  if (envelope && envelope.success === false && envelope.error) {
    const e = envelope.error;
    const error = new ApiError(res.status, e.code, e.message, e.requestId ?? requestId, e.details);
    if (res.status === 401 && !options.quiet401) onUnauthenticated?.();
    throw error;
  }
  throw new ApiError(res.status, res.status >= 500 ? 'INTERNAL' : 'UNEXPECTED', `Unexpected answer from the server (HTTP ${res.status}).`, requestId);
}

/** Call one endpoint and return its `data`; throws ApiError. `path` is relative to /api/v1. */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown, options: ApiOptions = {}): Promise<T> {
  return (await request<T>(method, path, body, options)).data;
}

/** GET a list endpoint: the items and the paging meta. */
export async function apiList<T>(path: string, options: ApiOptions = {}): Promise<{ items: T[]; meta: ListMeta }> {
  const { data, meta } = await request<T[]>('GET', path, undefined, options);
  return { items: data, meta: meta ?? { limit: data.length } };
}

/** Build a query string from the defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** Turn anything thrown into an ApiError so that pages have one shape to render. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'CLIENT', err instanceof Error ? err.message : 'Something went wrong.');
}

/** Only same-site paths are followed after sign-in (no open redirects). */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
