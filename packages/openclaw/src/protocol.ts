// OpenClaw gateway WebSocket protocol v4: JSON text frames (verified against openclaw 2026.9.6).
//   request  {type:"req", id, method, params}
//   response {type:"res", id, ok, payload | error:{code, message, details?, retryable?, retryAfterMs?}}
//   event    {type:"event", event, payload, seq?}

/** The protocol versions this client speaks; sent as minProtocol/maxProtocol in `connect`. */
export const SUPPORTED_PROTOCOL = { min: 4, max: 4 } as const;

/** OpenClaw only accepts known client ids; `gateway-client` in `backend` mode is the trusted backend path. */
export const CLIENT_ID = 'gateway-client';
export const CLIENT_MODE = 'backend';
export const OPERATOR_ROLE = 'operator';
export const DEFAULT_SCOPES = ['operator.read', 'operator.write', 'operator.admin'] as const;

/** Largest frame we accept from a gateway (a hello-ok with a state snapshot is a few hundred kB at most). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export interface GatewayErrorShape {
  code: string;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

export interface RequestFrame {
  type: 'req';
  id: string;
  method: string;
  params?: unknown;
}

export type ResponseFrame =
  | { type: 'res'; id: string; ok: true; payload?: unknown }
  | { type: 'res'; id: string; ok: false; error: GatewayErrorShape };

export interface EventFrame {
  type: 'event';
  event: string;
  payload?: unknown;
  seq?: number;
}

export type InboundFrame = ResponseFrame | EventFrame;

export interface HelloOk {
  type: 'hello-ok';
  protocol: number;
  server: { version: string; [k: string]: unknown };
  features?: { methods?: string[]; events?: string[]; [k: string]: unknown };
  snapshot?: unknown;
  policy?: { tickIntervalMs?: number; [k: string]: unknown };
  auth?: { deviceToken?: string; role?: string; scopes?: string[]; [k: string]: unknown };
  [k: string]: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseError(v: unknown): GatewayErrorShape {
  if (!isObject(v)) return { code: 'UNKNOWN', message: 'gateway returned an error without details' };
  const out: GatewayErrorShape = {
    code: typeof v.code === 'string' ? v.code : 'UNKNOWN',
    message: typeof v.message === 'string' ? v.message : '',
  };
  if (v.details !== undefined) out.details = v.details;
  if (typeof v.retryable === 'boolean') out.retryable = v.retryable;
  if (typeof v.retryAfterMs === 'number' && Number.isFinite(v.retryAfterMs) && v.retryAfterMs >= 0) {
    out.retryAfterMs = v.retryAfterMs;
  }
  return out;
}

/**
 * Parses one text frame. Returns null for anything that is not a well-formed response or event (requests from
 * the server, unknown types, bad JSON): the caller ignores those rather than tearing the connection down.
 */
export function parseFrame(text: string): InboundFrame | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(v)) return null;
  if (v.type === 'res') {
    if (typeof v.id !== 'string') return null;
    if (v.ok === true) return { type: 'res', id: v.id, ok: true, payload: v.payload };
    if (v.ok === false) return { type: 'res', id: v.id, ok: false, error: parseError(v.error) };
    return null;
  }
  if (v.type === 'event') {
    if (typeof v.event !== 'string') return null;
    const f: EventFrame = { type: 'event', event: v.event, payload: v.payload };
    if (typeof v.seq === 'number') f.seq = v.seq;
    return f;
  }
  return null;
}

export function encodeRequest(id: string, method: string, params?: unknown): string {
  const frame: RequestFrame = { type: 'req', id, method };
  if (params !== undefined) frame.params = params;
  return JSON.stringify(frame);
}

export function parseHelloOk(payload: unknown): HelloOk {
  if (!isObject(payload) || payload.type !== 'hello-ok' || typeof payload.protocol !== 'number') {
    throw new Error('gateway answered connect without hello-ok');
  }
  const server = isObject(payload.server) ? payload.server : {};
  return {
    ...(payload as Record<string, unknown>),
    type: 'hello-ok',
    protocol: payload.protocol,
    server: { ...server, version: typeof server.version === 'string' ? server.version : 'unknown' },
  } as HelloOk;
}

/** Connect-error detail codes (details.code) that mean "these credentials will not work": do not retry hot. */
const AUTH_DETAIL = /^(AUTH_(?!RATE_LIMITED)|DEVICE_|PAIRING_REQUIRED|CONTROL_UI_)/;

/** Whether a failed `connect` is an authentication/pairing problem (→ state `unauthorized`). */
export function isAuthFailure(err: GatewayErrorShape): boolean {
  if (err.code === 'NOT_PAIRED' || err.code === 'FORBIDDEN') return true;
  const detail = isObject(err.details) && typeof err.details.code === 'string' ? err.details.code : '';
  if (AUTH_DETAIL.test(detail)) return true;
  return err.code === 'INVALID_REQUEST' && /unauthori[sz]ed|token mismatch|pairing required|device identity/i.test(err.message);
}

/** The `details.code` of a gateway error, when it carries one. */
export function errorDetailCode(err: GatewayErrorShape): string | undefined {
  return isObject(err.details) && typeof err.details.code === 'string' ? err.details.code : undefined;
}
