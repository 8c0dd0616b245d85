// Handoff: one waiter per signal, FIFO, passed on by a waiter that cannot use it or leaves without using it.
import { describe, expect, it } from 'vitest';
import { Handoff, type HandoffWaiter } from './handoff';

/** A waiter that has looked once, found nothing, and now sleeps; `woken` resolves with what `next()` answered. */
function sleeper(h: Handoff, key = 'ws', tag?: string, abort?: AbortSignal) {
  const w = h.join(key, tag, abort);
  w.attempting();
  const woken = w.next(10_000);
  return { w, woken };
}

const settled = async (p: Promise<boolean>) => Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), 20))]);

describe('Handoff', () => {
  it('wakes one waiter per signal, the longest waiting first', async () => {
    const h = new Handoff();
    const a = sleeper(h);
    const b = sleeper(h);
    expect(h.sleeping).toBe(2);
    h.signal('ws');
    expect(await settled(a.woken)).toBe(true);
    expect(await settled(b.woken)).toBe('pending');
    expect(h.wakeups).toBe(1);
    // a looks and gets what it waited for: the signal is spent.
    a.w.attempting();
    a.w.leave(true);
    expect(await settled(b.woken)).toBe('pending');
    b.w.leave(false);
    expect(h.sleeping).toBe(0);
  });

  it('a waiter that finds nothing passes the signal on to one that has not had it; it dies when all have', async () => {
    const h = new Handoff();
    const a = sleeper(h);
    const b = sleeper(h);
    h.signal('ws');
    expect(await a.woken).toBe(true);
    a.w.attempting();
    const again = a.w.next(10_000); // nothing: passes it to b
    expect(await settled(b.woken)).toBe(true);
    b.w.attempting();
    const bAgain = b.w.next(10_000); // nothing either: a has had it, so it dies
    expect(await settled(again)).toBe('pending');
    expect(await settled(bAgain)).toBe('pending');
    expect(h.wakeups).toBe(2);
    a.w.leave(false);
    b.w.leave(false);
  });

  it('a waiter that leaves without using its signal (client gone, wait over) passes it on', async () => {
    const h = new Handoff();
    const gone = new AbortController();
    const a = sleeper(h, 'ws', undefined, gone.signal);
    const b = sleeper(h);
    h.signal('ws');
    expect(await a.woken).toBe(true);
    gone.abort();
    a.w.leave(false);
    expect(await settled(b.woken)).toBe(true);
    b.w.leave(true);
  });

  it('skips a waiter whose client has gone, and ends its sleep', async () => {
    const h = new Handoff();
    const gone = new AbortController();
    const a = sleeper(h, 'ws', undefined, gone.signal);
    const b = sleeper(h);
    gone.abort();
    expect(await a.woken).toBe(false);
    h.signal('ws');
    expect(await settled(b.woken)).toBe(true);
    expect(h.wakeups).toBe(1);
    a.w.leave(false);
    b.w.leave(true);
  });

  it('a signal that comes during a look is kept: next() answers at once to look again', async () => {
    const h = new Handoff();
    const w = h.join('ws');
    w.attempting();
    h.signal('ws'); // while looking
    expect(await settled(w.next(10_000))).toBe(true);
    w.attempting();
    expect(await settled(w.next(10_000))).toBe('pending');
    w.leave(false);
  });

  it('prefers the waiter tagged for the signal; keys are separate; broadcast wakes everyone without passing on', async () => {
    const h = new Handoff();
    const a = sleeper(h, 'ws', 'agent-a');
    const b = sleeper(h, 'ws', 'agent-b');
    const other = sleeper(h, 'elsewhere');
    h.signal('ws', 'agent-b');
    expect(await settled(b.woken)).toBe(true);
    expect(await settled(a.woken)).toBe('pending');
    expect(await settled(other.woken)).toBe('pending');
    b.w.leave(true);
    h.broadcast('ws');
    expect(await settled(a.woken)).toBe(true);
    expect(await settled(other.woken)).toBe('pending');
    h.broadcast();
    expect(await settled(other.woken)).toBe(true);
    for (const w of [a.w, other.w] as HandoffWaiter[]) {
      w.attempting();
      expect(await settled(w.next(10_000))).toBe('pending');
      w.leave(false);
    }
    expect(h.sleeping).toBe(0);
  });

  it('times out: next() resolves false after its timeout', async () => {
    const h = new Handoff();
    const w = h.join('ws');
    w.attempting();
    expect(await w.next(30)).toBe(false);
    w.leave(false);
  });
});
