// The backlog of key writes kept while the database is unreachable: it waits only for an unreachable database.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IdempotencyBacklog } from './idempotency';

const unreachable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const refused = () => Object.assign(new Error('value too long for type character varying(255)'), { code: '22001' });

describe('IdempotencyBacklog', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('keeps a write that failed because the database was unreachable, and retries it until it succeeds', async () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const backlog = new IdempotencyBacklog();
    let attempts = 0;
    backlog.add(async () => {
      if (++attempts < 3) throw unreachable();
    }, unreachable());
    expect(backlog.size).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(attempts).toBe(3);
    expect(backlog.size).toBe(0);
  });

  it('does not keep a write the database refused, nor let one block the writes queued behind it', async () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const backlog = new IdempotencyBacklog();
    backlog.add(async () => {}, refused());
    expect(backlog.size).toBe(0);

    const done: string[] = [];
    backlog.add(async () => {
      throw refused(); // the database came back and refuses this one for good
    }, unreachable());
    backlog.add(async () => void done.push('second'), unreachable());
    await vi.advanceTimersByTimeAsync(5_000);
    expect(done).toEqual(['second']);
    expect(backlog.size).toBe(0);
  });
});
