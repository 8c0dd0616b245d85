// `Idempotency-Key` on creates: the first request's response is stored and replayed for a retry with the same
// key. A retry while the first is still running is 409; the same key with a different body is 409 too (the
// client has a bug, and replaying the wrong response would hide it). Keys live 24 hours.
import { describeError, idempotencyKeys, isDatabaseUnavailable, OutageLog, type Db } from '@mc/db';
import { and, eq, isNull, lt } from 'drizzle-orm';
import { conflict } from '../errors';
import { sha256 } from '../shared/crypto';
import type { Clock } from '../shared/clock';

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export type IdempotencyStart =
  | { kind: 'proceed' }
  | { kind: 'replay'; status: number; body: unknown };

export async function beginIdempotent(
  db: Db,
  clock: Clock,
  input: { principal: string; key: string; operation: string; requestBody: unknown; startedAt?: Date },
): Promise<IdempotencyStart> {
  const requestHash = sha256(JSON.stringify(input.requestBody ?? null));
  // The caller may fix the start time, so that it can later release exactly the row this request wrote.
  const now = input.startedAt ?? clock.now();
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
    throw conflict('this Idempotency-Key was already used for a different request', {
      issues: [{ field: 'Idempotency-Key', in: 'header', message: 'reused with a different request' }],
    });
  }
  if (row.status === null) throw conflict('a request with this Idempotency-Key is still in progress; retry shortly');
  return { kind: 'replay', status: row.status, body: row.response };
}

export async function completeIdempotent(db: Db, input: { principal: string; key: string; status: number; body: unknown }) {
  await db
    .update(idempotencyKeys)
    .set({ status: input.status, response: input.body as object })
    .where(and(eq(idempotencyKeys.principal, input.principal), eq(idempotencyKeys.key, input.key)));
}

/**
 * The request failed: forget the key so that a retry can run. With `startedAt` (the `beginIdempotent` start time)
 * only this request's own row, while still in progress: a release retried after an outage must never remove the
 * row of a later request with the same key, let alone its recorded answer.
 */
export async function abandonIdempotent(db: Db, input: { principal: string; key: string; startedAt?: Date }) {
  const mine = and(eq(idempotencyKeys.principal, input.principal), eq(idempotencyKeys.key, input.key));
  await db
    .delete(idempotencyKeys)
    .where(input.startedAt ? and(mine, isNull(idempotencyKeys.status), eq(idempotencyKeys.createdAt, input.startedAt)) : mine);
}

export async function sweepIdempotencyKeys(db: Db, clock: Clock) {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(clock.now().getTime() - IDEMPOTENCY_TTL_MS)));
}

/** Most key writes kept for a retry; beyond it a key is left in progress (a retry with it is 409 until swept). */
const BACKLOG_MAX = 10_000;
const BACKLOG_RETRY_MAX_MS = 2_000;

/**
 * Key writes that failed because the database was unreachable, retried in order until they succeed. Without it an
 * outage strands keys "in progress" for 24 hours: a create that committed but could not record its response, or a
 * request that failed and could not release its key, would make every retry with that key a 409. With it, once the
 * server is back, the retry gets the first response (or runs, when the first did not take effect).
 */
export class IdempotencyBacklog {
  private readonly queue: (() => Promise<unknown>)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private readonly log = new OutageLog('[idempotency] recording a key');

  add(write: () => Promise<unknown>, err: unknown) {
    // Only an unreachable database is worth waiting for; any other failure would fail the same way forever and
    // hold up every key queued behind it (the key then stays in progress until swept, as before the backlog).
    if (!isDatabaseUnavailable(err)) {
      console.error('[idempotency] could not record a key:', describeError(err));
      return;
    }
    this.log.failed(err, 'retried until the database is back');
    if (this.queue.length < BACKLOG_MAX) this.queue.push(write);
    this.schedule();
  }

  get size() {
    return this.queue.length;
  }

  private schedule() {
    if (this.timer) return;
    const delay = Math.min(BACKLOG_RETRY_MAX_MS, 100 * 2 ** this.failures);
    this.timer = setTimeout(() => void this.drain(), delay);
    this.timer.unref();
  }

  private async drain() {
    this.timer = undefined;
    while (this.queue.length) {
      try {
        await this.queue[0]();
        this.queue.shift();
      } catch (err) {
        if (!isDatabaseUnavailable(err)) {
          // The database answers, and refuses this write: drop it rather than block the queue behind it.
          console.error('[idempotency] could not record a key:', describeError(err));
          this.queue.shift();
          continue;
        }
        this.failures++;
        this.log.failed(err, 'retried until the database is back');
        this.schedule();
        return;
      }
    }
    this.failures = 0;
    this.log.ok();
  }
}
