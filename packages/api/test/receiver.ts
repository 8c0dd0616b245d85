// A real HTTP receiver on 127.0.0.1 standing in for a webhook endpoint or an agent's endpoint (webhooks and dispatch
// tests), and the receiver-side Standard Webhooks check done with the independent `standardwebhooks` library.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** What the receiver does with a request: answer this status, redirect to /ok, or never answer. */
export type Answer = number | 'redirect' | 'hang';

/**
 * Start a loopback receiver. `on(path, nth => answer)` decides the answer to the nth request (1-based) to a path
 * (default 200). With `counts`, only the requests whose body it accepts are numbered and ruled; the others get 200.
 */
export function startReceiver(opts: { counts?: (body: string) => boolean } = {}) {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const rules = new Map<string, (nth: number) => Answer>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path, headers: req.headers as Record<string, string>, body, at: Date.now() });
      let nth = 0;
      let rule: Answer = 200;
      if (!opts.counts || opts.counts(body)) {
        nth = (counts.get(path) ?? 0) + 1;
        counts.set(path, nth);
        rule = rules.get(path)?.(nth) ?? 200;
      }
      if (rule === 'hang') return; // never answers
      if (rule === 'redirect') {
        res.writeHead(302, { location: '/ok' }).end();
        return;
      }
      res.writeHead(rule, { 'content-type': 'text/plain' }).end(rule < 300 ? 'thanks' : `nope ${nth}`);
    });
  });
  return new Promise<{
    url: (p: string) => string;
    received: Received[];
    on: typeof rules.set;
    at: (p: string) => Received[];
    close: () => Promise<void>;
  }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: (p) => `http://127.0.0.1:${port}${p}`,
        received,
        on: rules.set.bind(rules),
        at: (p) => received.filter((r) => r.path === p),
        close: () =>
          new Promise((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** The receiver's check: `standardwebhooks` produces one of the signatures in the header with this secret. */
export function signedWith(r: Received, secret: string): boolean {
  const expected = new Webhook(secret).sign(r.headers['webhook-id'], new Date(Number(r.headers['webhook-timestamp']) * 1000), r.body);
  return r.headers['webhook-signature'].split(' ').includes(expected);
}
