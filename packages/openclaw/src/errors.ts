import type { GatewayErrorShape } from './protocol';

/** The gateway answered a request with `ok: false`. */
export class GatewayRequestError extends Error {
  readonly code: string;
  readonly details?: unknown;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly method: string;
  constructor(method: string, err: GatewayErrorShape) {
    super(`${method}: ${err.code}${err.message ? ` ${err.message}` : ''}`);
    this.name = 'GatewayRequestError';
    this.method = method;
    this.code = err.code;
    this.details = err.details;
    this.retryable = err.retryable === true;
    if (err.retryAfterMs !== undefined) this.retryAfterMs = err.retryAfterMs;
  }
}

/** The request got no answer within its timeout (it may still have been processed by the gateway). */
export class GatewayTimeoutError extends Error {
  readonly method: string;
  readonly timeoutMs: number;
  /** whether the frame had been written to the socket before the timeout */
  readonly sent: boolean;
  constructor(method: string, timeoutMs: number, sent: boolean) {
    super(`${method}: no answer within ${timeoutMs} ms${sent ? '' : ' (not sent: gateway not connected)'}`);
    this.name = 'GatewayTimeoutError';
    this.method = method;
    this.timeoutMs = timeoutMs;
    this.sent = sent;
  }
}

/**
 * The gateway is not connected (unreachable or unauthorized), or the connection dropped while the request was in
 * flight (`sent` true: it may or may not have been processed; retry only idempotent work).
 */
export class GatewayUnavailableError extends Error {
  readonly method: string;
  readonly state: string;
  readonly sent: boolean;
  constructor(method: string, state: string, sent: boolean, reason?: string) {
    super(`${method}: gateway ${sent ? 'connection lost' : state}${reason ? ` (${reason})` : ''}`);
    this.name = 'GatewayUnavailableError';
    this.method = method;
    this.state = state;
    this.sent = sent;
  }
}

/** The caller's AbortSignal fired before the answer came. */
export class GatewayAbortError extends Error {
  readonly method: string;
  constructor(method: string) {
    super(`${method}: aborted`);
    this.name = 'AbortError';
    this.method = method;
  }
}
