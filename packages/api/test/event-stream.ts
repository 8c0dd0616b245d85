// Reading a workspace's server-sent event stream (`GET /api/v1/events`) in a test: the events arrive in the
// background, `next` waits for one matching a predicate. Shared by the live fan-out and the outage tests.
import type { createApiApp } from '@mc/api';
import type { LiveEvent } from '@mc/core';

type App = ReturnType<typeof createApiApp>;

/** Read a server-sent event stream in the background; `next` waits for an event matching a predicate. */
export async function openEventStream(app: App, workspaceId: string, key: string) {
  const abort = new AbortController();
  const res = await app.app.request(`http://mc.test/api/v1/events?workspaceId=${workspaceId}`, {
    headers: { authorization: `Bearer ${key}` },
    signal: abort.signal,
  });
  const events: LiveEvent[] = [];
  let text = '';
  if (res.status !== 200) return { res, events, text: await res.text(), next: async () => null, close: async () => {} };
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const chunk = decoder.decode(value, { stream: true });
        text += chunk;
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (type && data) {
            const e = JSON.parse(data) as LiveEvent;
            // The SSE event name and the payload's type agree (checked by the tests through `events`).
            events.push(e.type === type ? e : { ...e, type: `mismatch:${type}/${e.type}` });
          }
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    res,
    events,
    get text() {
      return text;
    },
    /** The first event (already received or still to come) matching `match`, or null after `timeoutMs`. */
    async next(match: (e: LiveEvent) => boolean, timeoutMs = 10_000): Promise<LiveEvent | null> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > until) return null;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      abort.abort();
      await reader.cancel().catch(() => {});
      await pump;
    },
  };
}

