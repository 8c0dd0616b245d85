// `Idempotency-Key` on creates: the first request's response is stored and replayed for a retry with the same
// key. A retry while the first is still running is 409; the same key with a different body is 409 too (the
// client has a bug, and replaying the wrong response would hide it). Keys live 24 hours.
import { idempotencyKeys, type Db } from '@mc/db';
import { and, eq, lt } from 'drizzle-orm';
import { DomainError } from '../errors';
import { sha256 } from '../shared/crypto';
import type { Clock } from '../shared/clock';

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export type IdempotencyStart =
  | { kind: 'proceed' }
  | { kind: 'replay'; status: number; body: unknown };

export async function beginIdempotent(
  db: Db,
  clock: Clock,
  input: { principal: string; key: string; operation: string; requestBody: unknown },
): Promise<IdempotencyStart> {
  const requestHash = sha256(JSON.stringify(input.requestBody ?? null));
  const now = clock.now();
  const inserted = await db
    .insert(idempotencyKeys)
    .values({ principal: input.principal, key: input.key, operation: input.operation, requestHash, createdAt: now })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (inserted.length) return { kind: 'proceed' };
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principal, input.principal), eq(idempotencyKeys.key, input.key)))
    .limit(1);
  if (!row) return beginIdempotent(db, clock, input); // expired and swept in between: start again
  if (row.createdAt.getTime() + IDEMPOTENCY_TTL_MS < now.getTime()) {
    await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.principal, input.principal), eq(idempotencyKeys.key, input.key)));
    return beginIdempotent(db, clock, input);
  }
  if (row.operation !== input.operation || row.requestHash !== requestHash) {
    throw new DomainError('CONFLICT', 'this Idempotency-Key was already used for a different request', {
      issues: [{ field: 'Idempotency-Key', in: 'header', message: 'reused with a different request' }],
    });
  }
  if (row.status === null) throw new DomainError('CONFLICT', 'a request with this Idempotency-Key is still in progress; retry shortly');
  return { kind: 'replay', status: row.status, body: row.response };
}

export async function completeIdempotent(db: Db, input: { principal: string; key: string; status: number; body: unknown }) {
  await db
    .update(idempotencyKeys)
    .set({ status: input.status, response: input.body as object })
    .where(and(eq(idempotencyKeys.principal, input.principal), eq(idempotencyKeys.key, input.key)));
}

/** The request failed: forget the key so that a retry can run. */
export async function abandonIdempotent(db: Db, input: { principal: string; key: string }) {
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.principal, input.principal), eq(idempotencyKeys.key, input.key)));
}

export async function sweepIdempotencyKeys(db: Db, clock: Clock) {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(clock.now().getTime() - IDEMPOTENCY_TTL_MS)));
}
