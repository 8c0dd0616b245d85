// Fixed-window rate limits counted in the database, so that they hold across every process sharing it.
//
// Writing a counter row on every request would put a write on the agents' hot path. Instead each process counts
// locally and folds its counts into the shared row every `flushMs` (one statement for all buckets), reading back
// the global total. A process therefore knows the global count as of its last flush plus its own hits since:
// exact with one process, and with several it can overshoot by at most what the others accepted within one
// flush interval. See docs/adr/0002-rate-limits-counted-in-the-database.md.
import { OutageLog, type Db } from '@mc/db';
import { sql } from 'drizzle-orm';
import type { Clock } from '../shared/clock';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

interface WindowState {
  windowStart: number;
  /** Global count as of the last flush (includes this process's flushed hits). */
  synced: number;
  /** Hits accepted here and not yet flushed. */
  pending: number;
  /** Hits being written by a flush right now: not in `synced` yet, no longer in `pending`, still counted. */
  inflight: number;
  /** A first read of the shared row is in flight. */
  loading?: Promise<void>;
}

/** Longest wait between flush retries while the database is unreachable. */
const FLUSH_RETRY_MAX_MS = 5_000;

export class RateLimiter {
  private windows = new Map<string, WindowState>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Consecutive failed flushes (the database is down): the retry waits longer each time, up to `MAX_RETRY_MS`. */
  private failures = 0;
  private readonly log = new OutageLog('[rate-limit] flush');

  constructor(
    private db: Db,
    private clock: Clock,
    private opts: { windowMs: number; flushMs: number } = { windowMs: 60_000, flushMs: 100 },
  ) {}

  async hit(bucket: string, limit: number): Promise<RateLimitDecision> {
    const now = this.clock.now().getTime();
    const windowStart = now - (now % this.opts.windowMs);
    const resetSeconds = Math.max(1, Math.ceil((windowStart + this.opts.windowMs - now) / 1000));
    let state = this.windows.get(bucket);
    if (!state || state.windowStart !== windowStart) {
      state = { windowStart, synced: 0, pending: 0, inflight: 0 };
      this.windows.set(bucket, state);
      // The first hit of a window in this process learns what other processes have already counted.
      state.loading = this.readShared(bucket, windowStart).then((n) => {
        state!.synced = Math.max(state!.synced, n);
        state!.loading = undefined;
      });
    }
    if (state.loading) await state.loading;
    const used = state.synced + state.inflight + state.pending;
    if (used >= limit) return { allowed: false, limit, remaining: 0, resetSeconds };
    state.pending++;
    this.schedule();
    return { allowed: true, limit, remaining: Math.max(0, limit - used - 1), resetSeconds };
  }

  private async readShared(bucket: string, windowStart: number): Promise<number> {
    try {
      const res = (await this.db.execute(
        sql`SELECT count FROM rate_limits WHERE bucket = ${bucket} AND window_start = ${new Date(windowStart).toISOString()}::timestamptz`,
      )) as unknown as { rows: { count: number }[] };
      return Number(res.rows[0]?.count ?? 0);
    } catch {
      return 0;
    }
  }

  private schedule() {
    if (this.timer) return;
    const delay = this.failures === 0 ? this.opts.flushMs : Math.min(FLUSH_RETRY_MAX_MS, this.opts.flushMs * 2 ** this.failures);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    this.timer.unref();
  }

  /** Fold local counts into the shared rows; also drops windows that have ended. */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    this.flushing = this.doFlush();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  private async doFlush(): Promise<void> {
    const now = this.clock.now().getTime();
    const batch: { bucket: string; state: WindowState; delta: number }[] = [];
    for (const [bucket, state] of this.windows) {
      if (state.pending > 0) batch.push({ bucket, state, delta: state.pending });
      else if (state.windowStart + this.opts.windowMs <= now) this.windows.delete(bucket);
    }
    if (batch.length === 0) return;
    for (const b of batch) {
      b.state.pending -= b.delta;
      b.state.inflight += b.delta;
    }
    const values = sql.join(
      batch.map((b) => sql`(${b.bucket}, ${new Date(b.state.windowStart).toISOString()}::timestamptz, ${b.delta}::int)`),
      sql`, `,
    );
    try {
      const res = (await this.db.execute(sql`
        INSERT INTO rate_limits (bucket, window_start, count) VALUES ${values}
        ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_limits.count + excluded.count
        RETURNING bucket, window_start, count`)) as unknown as { rows: { bucket: string; count: number }[] };
      // Apply each count to the window it was flushed for (the bucket may have moved to a new window since).
      const byBucket = new Map(batch.map((b) => [b.bucket, b.state]));
      for (const r of res.rows) {
        const state = byBucket.get(r.bucket);
        if (state) state.synced = Math.max(state.synced, Number(r.count));
      }
      this.failures = 0;
      this.log.ok();
    } catch (err) {
      // Keep the hits so that the next flush retries them, later each time while the database stays down.
      for (const b of batch) b.state.pending += b.delta;
      this.failures++;
      this.log.failed(err, 'the counts are kept and retried');
      this.schedule();
    } finally {
      for (const b of batch) b.state.inflight -= b.delta;
    }
  }

  /** Delete counter rows of windows that ended long ago (called by a periodic sweep). */
  async sweep(olderThanMs = 3_600_000): Promise<void> {
    const cutoff = new Date(this.clock.now().getTime() - olderThanMs).toISOString();
    await this.db.execute(sql`DELETE FROM rate_limits WHERE window_start < ${cutoff}::timestamptz`);
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
