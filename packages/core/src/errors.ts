import type { ErrorCode, FieldIssue } from '@mc/contracts';

/**
 * The one error type of the domain. Doors map `code` to an HTTP status (see ERROR_STATUS in @mc/contracts);
 * `message` is written for the caller and must never hold secrets, SQL or paths.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

// One way to build each error: these factories (a `new DomainError(` outside this file is refused by
// scripts/check-boundaries.mjs), so that every refusal of one kind reads and is shaped alike.
export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'you do not have permission to do this', details?: Record<string, unknown>) => new DomainError('FORBIDDEN', message, details);
export const conflict = (message: string, details?: Record<string, unknown>) => new DomainError('CONFLICT', message, details);
/** The resource moved on since the caller read it (optimistic concurrency). */
export const staleVersion = (what: string, currentVersion: number | null, yourVersion?: number) =>
  new DomainError('CONFLICT', `the ${what} was changed by someone else; reload and retry`, {
    reason: 'stale_version',
    currentVersion,
    yourVersion: yourVersion ?? null,
  });
/** A move the ticket state machine (or another lifecycle) does not allow; `details.allowed` lists what it does. */
export const invalidTransition = (message: string, details: Record<string, unknown>) => new DomainError('INVALID_TRANSITION', message, details);
/** The workspace's monthly budget is used up under a hard stop. */
export const budgetExceeded = (message: string, details: Record<string, unknown>) => new DomainError('BUDGET_EXCEEDED', message, details);
export const tooLarge = (message: string, details?: Record<string, unknown>) => new DomainError('PAYLOAD_TOO_LARGE', message, details);
export const rateLimited = (message: string, details?: Record<string, unknown>) => new DomainError('RATE_LIMITED', message, details);
export const unavailable = (message: string, details?: Record<string, unknown>) => new DomainError('UNAVAILABLE', message, details);
/** The same refusal (code) told differently: a new message, more details (e.g. an agent's lost lease, lease.ts). */
export const retold = (err: DomainError, message: string, moreDetails: Record<string, unknown>) => new DomainError(err.code, message, { ...err.details, ...moreDetails });
export const unauthenticated = (message = 'authentication required', details?: Record<string, unknown>) => new DomainError('UNAUTHENTICATED', message, details);
/** Bad input: the field issues (`details.issues`) and a message naming the first; `more` adds details (`moreIssues`). */
export const validation = (issues: FieldIssue[], message = 'request is not valid', more?: Record<string, unknown>) =>
  new DomainError('VALIDATION_ERROR', message, { issues, ...more });

/** PostgreSQL unique_violation, on either driver (node-postgres and PGlite both expose `code`). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = findPgError(err);
  return !!e && e.code === '23505' && (!constraint || e.constraint === constraint || String(e.message).includes(constraint));
}

function findPgError(err: unknown): { code?: string; constraint?: string; message?: string } | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const c = cur as { code?: unknown; cause?: unknown };
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) return c as never;
    cur = c.cause;
  }
  return undefined;
}
