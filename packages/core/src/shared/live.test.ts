// LiveBus waits: by predicate (every event tried) and by recipient (found by key); both wake on a resync, both end
// on abort and leave nothing behind.
import { describe, expect, it } from 'vitest';
import { LiveBus, type LiveEvent } from './live';

const event = (e: Partial<LiveEvent>) => JSON.stringify({ type: 'notification.created', workspaceId: 'ws', at: new Date().toISOString(), ...e });
const settled = async <T>(p: Promise<T>) => Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), 20))]);

describe('LiveBus', () => {
  it('waitForRecipient: wakes on an event naming it, not on one for someone else; leaves no listener behind', async () => {
    const bus = new LiveBus();
    const mine = bus.waitForRecipient('agent:a', 10_000);
    const theirs = bus.waitForRecipient('agent:b', 10_000);
    expect(bus.size).toBe(2);
    bus.receive(event({ recipients: ['user:x', 'agent:a'] }));
    expect(await settled(mine)).toMatchObject({ recipients: ['user:x', 'agent:a'] });
    expect(await settled(theirs)).toBe('pending');
    expect(bus.size).toBe(1);
    bus.resync();
    expect(await settled(theirs)).toMatchObject({ type: 'resync' });
    expect(bus.size).toBe(0);
  });

  it('a wait ends with null on abort (also when already aborted) and on timeout', async () => {
    const bus = new LiveBus();
    const stop = new AbortController();
    const byKey = bus.waitForRecipient('agent:a', 10_000, stop.signal);
    const byPredicate = bus.waitFor(() => true, 10_000, stop.signal);
    stop.abort();
    expect(await byKey).toBeNull();
    expect(await byPredicate).toBeNull();
    expect(await bus.waitForRecipient('agent:a', 10_000, stop.signal)).toBeNull();
    expect(await bus.waitFor(() => false, 30)).toBeNull();
    expect(bus.size).toBe(0);
  });
});
