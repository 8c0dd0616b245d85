// Which failures mean "the database cannot be reached right now" (answer 503 and let the caller retry) rather than
// "this request is wrong" or "we have a bug" (500). The drivers' own knowledge, so it lives beside the client.

/** Socket-level failures of the connection to the server (Node's error codes). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away or cannot take us: class 08 (connection exception), 57P01 admin
 * shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up, shutting down, recovering), 53300 too many
 * connections (a full server is unavailable to this request, not broken by it).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** node-postgres reports a lost or refused connection and its own timeouts with plain Errors: known by message. */
const DRIVER_MESSAGES = [
  /^Connection terminated/, // unexpectedly, or due to connection timeout
  /^timeout exceeded when trying to connect$/, // pg-pool's connectionTimeoutMillis
  /^timeout expired$/, // pg's connectionTimeoutMillis on a lone client
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/, // a pooled client handed back broken after its connection died
  /^Query read timeout$/,
  /^Connection is closed/,
];

/**
 * True when `err` (or what it wraps: Drizzle's `DrizzleQueryError` keeps the driver's error as `cause`; a failed
 * connect to a host with several addresses is an `AggregateError`) says the database is unreachable.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return someCause(
    err,
    (e) =>
      (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || UNAVAILABLE_SQLSTATE.test(e.code))) ||
      (typeof e.message === 'string' && DRIVER_MESSAGES.some((re) => re.test(e.message as string))),
  );
}

/**
 * SQLSTATEs of a transaction that lost to a concurrent one and was rolled back: 40001 serialization failure, 40P01
 * deadlock detected (two requests taking the same rows in opposite order). Nothing was written; the same request
 * sent again normally succeeds — a 409 CONFLICT that says so, not a 500.
 */
const CONCURRENCY_SQLSTATE = /^(40001|40P01)$/;

/** True when `err` (or what it wraps) is a transaction rolled back because of a concurrent one. */
export function isConcurrencyConflict(err: unknown): boolean {
  return someCause(err, (e) => typeof e.code === 'string' && CONCURRENCY_SQLSTATE.test(e.code));
}

type ErrorLike = { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };

/** Whether `err` or anything it wraps (`cause`, an AggregateError's `errors`) matches `test`. */
function someCause(err: unknown, test: (e: ErrorLike) => boolean): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length && seen.size < 16) {
    const cur = queue.shift();
    if (!cur || typeof cur !== 'object' || seen.has(cur)) continue;
    seen.add(cur);
    const e = cur as ErrorLike;
    if (test(e)) return true;
    if (e.cause) queue.push(e.cause);
    if (Array.isArray(e.errors)) queue.push(...e.errors);
  }
  return false;
}
