// Handoff: one waiter per signal, FIFO, passed on by a waiter that cannot use it or leaves without using it.
import { describe, expect, it } from 'vitest';
import { Deadlines } from './deadlines';
import { Handoff, type HandoffNarrow, type HandoffWaiter } from './handoff';

/** A waiter that has looked once, found nothing, and now sleeps; `woken` resolves with what `next()` answered. */
function sleeper<F>(h: Handoff<F>, key = 'ws', tag?: string, abort?: AbortSignal, filter?: F) {
  const w = h.join(key, tag, abort, filter);
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
    h.signal('ws', { prefer: 'agent-b' });
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

  it('a signal whose first waiter finds nothing goes to the first waiter narrow names, past the others, asked once; none named: it dies', async () => {
    const asked: string[][] = [];
    // The waiters' filter is the set of subjects they can take.
    const narrow: HandoffNarrow<string[]> = async (_key, subject, candidates) => {
      asked.push(candidates.map((w) => w.tag!));
      return candidates.filter((w) => w.filter.includes(subject));
    };
    const h = new Handoff<string[]>(narrow);
    const ws = ['a', 'b', 'c', 'd'].map((tag) => sleeper(h, 'ws', tag, undefined, tag === 'c' ? ['gpu-job'] : []));
    h.signal('ws', { subject: 'gpu-job' });
    expect(await settled(ws[0].woken)).toBe(true);
    // a looks and finds nothing: narrow is asked once about b, c, d and names c; b is not woken.
    ws[0].w.attempting();
    const aAgain = ws[0].w.next(10_000);
    expect(await settled(ws[2].woken)).toBe(true);
    expect(asked).toEqual([['b', 'c', 'd']]);
    expect(await settled(ws[1].woken)).toBe('pending');
    expect([h.wakeups, h.narrowings]).toEqual([2, 1]);
    // c takes it: spent.
    ws[2].w.attempting();
    ws[2].w.leave('gpu-job');
    // A subject nobody waiting can take: the first waiter looks, narrow names nobody, and the signal dies there.
    h.signal('ws', { subject: 'nobody-can' });
    expect(await settled(aAgain)).toBe(true);
    ws[0].w.attempting();
    const aThird = ws[0].w.next(10_000);
    await until(() => h.narrowings === 2);
    expect(asked[1]).toEqual(['b', 'd']);
    for (const p of [aThird, ws[1].woken, ws[3].woken]) expect(await settled(p)).toBe('pending');
    expect(h.wakeups).toBe(3);
    for (const x of [ws[0], ws[1], ws[3]]) x.w.leave(false);
    expect(h.size).toBe(0);
  });

  it('a waiter that took something else than the subject it was woken for passes that signal on', async () => {
    const h = new Handoff<undefined>(async () => []);
    const a = sleeper(h);
    const b = sleeper(h);
    h.signal('ws', { subject: 't1' });
    expect(await settled(a.woken)).toBe(true);
    a.w.attempting();
    // Its look took t0 (better, announced earlier to someone else): t1 is still there for the next in line.
    a.w.leave('t0');
    expect(await settled(b.woken)).toBe(true);
    b.w.attempting();
    b.w.leave('t1');
    expect([h.wakeups, h.narrowings, h.size]).toEqual([2, 0, 0]);
  });
});

describe('Deadlines', () => {
  it('fires each timeout once, after its time; a cancelled one never fires', async () => {
    const d = new Deadlines(10);
    const fired: string[] = [];
    const start = Date.now();
    const at: Record<string, number> = {};
    const add = (name: string, ms: number) => d.add(start + ms, () => ((at[name] = Date.now()), fired.push(name)));
    add('late', 60);
    const cancelled = add('cancelled', 20);
    add('early', 20);
    // One timeout of a tick cancels another of the same tick when it fires first.
    let victim: ReturnType<Deadlines['add']> | undefined;
    d.add(start + 30, () => victim && d.cancel(victim));
    victim = add('victim', 30);
    d.cancel(cancelled);
    expect(d.size).toBe(4);
    await until(() => fired.includes('late'));
    expect(fired).toEqual(['early', 'late']);
    expect(at.early).toBeGreaterThanOrEqual(start + 20);
    expect(at.late).toBeGreaterThanOrEqual(start + 60);
    expect(d.size).toBe(0);
  });
});

/** Wait for `cond` (not a timed assertion: it only polls until the condition holds). */
async function until(cond: () => boolean) {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}
