// The live connection against a scripted EventSource and a real QueryClient: events invalidate exactly the
// queries EVENT_REFRESHES names, bursts coalesce, resync and a reconnect after a break refresh everything of the
// workspace, an HTTP error reopens the stream after 5 s, and every listener of a workspace shares one stream.
import { QueryClient } from '@tanstack/react-query';
import { EVENT_TYPE_NAMES, LIVE_SIGNAL_TYPES } from '@mc/contracts/constants';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { globalKey, wsKey } from './keys';
import { EVENT_REFRESHES, connectionFor, type LiveEvent } from './live';

class FakeEventSource {
  static CLOSED = 2;
  static all: FakeEventSource[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private listeners = new Map<string, ((e: MessageEvent) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data: Partial<LiveEvent>) {
    for (const fn of this.listeners.get(type) ?? []) fn({ data: JSON.stringify({ type, workspaceId: 'w1', at: 'now', ...data }) } as MessageEvent);
  }
  listened(): string[] {
    return [...this.listeners.keys()];
  }
}

function seed(qc: QueryClient) {
  const keys = {
    tickets: wsKey('w1', 'tickets', 'list', { status: 'todo' }),
    ticket: wsKey('w1', 'tickets', 'one', 't1', 'comments'),
    agents: wsKey('w1', 'agents', 'list'),
    members: wsKey('w1', 'members', 'list'),
    other: wsKey('w2', 'tickets', 'list'),
    workspaces: globalKey('workspaces', 'list'),
    notifications: globalKey('notifications', 'unread'),
  };
  for (const k of Object.values(keys)) qc.setQueryData(k, 'cached');
  const stale = () => Object.entries(keys).filter(([, k]) => qc.getQueryState(k)?.isInvalidated).map(([name]) => name).sort();
  return stale;
}

describe('live events', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeEventSource.all = [];
    vi.stubGlobal('EventSource', FakeEventSource);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('maps every event type and signal, and listens to all of them', () => {
    expect(Object.keys(EVENT_REFRESHES).sort()).toEqual([...EVENT_TYPE_NAMES, ...LIVE_SIGNAL_TYPES].sort());
    const c = connectionFor(new QueryClient(), 'w1');
    c.acquire();
    expect(FakeEventSource.all).toHaveLength(1);
    expect(FakeEventSource.all[0].url).toBe('/api/v1/events?workspaceId=w1');
    expect(FakeEventSource.all[0].listened().sort()).toEqual([...EVENT_TYPE_NAMES, ...LIVE_SIGNAL_TYPES].sort());
  });

  it('invalidates what an event affects, in this workspace only, once per burst', async () => {
    const qc = new QueryClient();
    const stale = seed(qc);
    const spy = vi.spyOn(qc, 'invalidateQueries');
    const c = connectionFor(qc, 'w1');
    const heard: string[] = [];
    c.listeners.add((e) => heard.push(e.type));
    c.acquire();
    const es = FakeEventSource.all[0];
    es.emit('member.joined', {});
    es.emit('member.invited', {});
    expect(stale()).toEqual([]);
    await vi.advanceTimersByTimeAsync(250);
    expect(stale()).toEqual(['members']);
    expect(heard).toEqual(['member.joined', 'member.invited']);
    // members, invitations, activity: one invalidation each for the burst of two events
    expect(spy).toHaveBeenCalledTimes(3);
    es.emit('ticket.moved', { ticketId: 't1' });
    await vi.advanceTimersByTimeAsync(250);
    expect(stale()).toEqual(['agents', 'members', 'ticket', 'tickets']);
  });

  it('resync, and a reconnect after a break, refresh everything of the workspace', async () => {
    const qc = new QueryClient();
    let stale = seed(qc);
    const c = connectionFor(qc, 'w1');
    const heard: string[] = [];
    c.listeners.add((e) => heard.push(e.type));
    c.acquire();
    const es = FakeEventSource.all[0];
    es.emit('resync', {});
    await vi.advanceTimersByTimeAsync(250);
    expect(stale()).toEqual(['agents', 'members', 'notifications', 'ticket', 'tickets', 'workspaces']);

    const qc2 = new QueryClient();
    stale = seed(qc2);
    const c2 = connectionFor(qc2, 'w1');
    c2.listeners.add((e) => heard.push(e.type));
    c2.acquire();
    const es2 = FakeEventSource.all[1];
    es2.onopen?.();
    expect(c2.state).toBe('live');
    es2.onerror?.();
    expect(c2.state).toBe('reconnecting');
    es2.onopen?.();
    await vi.advanceTimersByTimeAsync(250);
    expect(stale()).toEqual(['agents', 'members', 'notifications', 'ticket', 'tickets', 'workspaces']);
    expect(heard).toEqual(['resync', 'resync']);
  });

  it('reopens a stream closed by an HTTP error after 5 s, shares one stream, and closes it after the last listener', async () => {
    const qc = new QueryClient();
    const a = connectionFor(qc, 'w1');
    const b = connectionFor(qc, 'w1');
    expect(a).toBe(b);
    a.acquire();
    b.acquire();
    expect(FakeEventSource.all).toHaveLength(1);
    const first = FakeEventSource.all[0];
    first.readyState = FakeEventSource.CLOSED;
    first.onerror?.();
    await vi.advanceTimersByTimeAsync(4900);
    expect(FakeEventSource.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(FakeEventSource.all).toHaveLength(2);
    a.release();
    b.release();
    await vi.advanceTimersByTimeAsync(2100);
    expect(FakeEventSource.all[1].closed).toBe(true);
    expect(connectionFor(qc, 'w1')).not.toBe(a);
  });
});
