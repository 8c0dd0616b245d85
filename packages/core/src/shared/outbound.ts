// Outbound HTTP to addresses that users typed in (agent endpoints, webhooks): a timeout, no redirects,
// and no loopback/private/link-local targets unless the instance allows them (MC_WEBHOOK_ALLOW_PRIVATE=1),
// so that registering an agent cannot make the server probe its own network.
import { lookup as dnsLookup } from 'node:dns';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export interface OutboundResult {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** First 500 characters of the answer, or the reason the call failed. */
  excerpt: string;
  /** Why no usable answer came (refused, timeout, connection error, redirect); absent when one did. */
  error?: string;
}

export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) {
    const [a, b] = ip.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  const v6 = ip.toLowerCase();
  if (v6 === '::1' || v6 === '::') return true;
  if (v6.startsWith('::ffff:')) return isPrivateAddress(v6.slice(7));
  return /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6);
}

/** Refuse URLs that are not http(s) or that resolve to a private address (unless allowed). */
export async function checkOutboundUrl(url: string, allowPrivate: boolean): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'only http and https URLs are allowed';
  if (allowPrivate) return null;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `cannot resolve ${host}`;
  }
  if (addresses.some(isPrivateAddress)) return `${host} is a private or loopback address (set MC_WEBHOOK_ALLOW_PRIVATE=1 to allow)`;
  return null;
}

export interface PostOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  headers?: Record<string, string>;
}

/** POST a JSON value (agent key callbacks). */
export async function postJson(url: string, body: unknown, opts: PostOptions): Promise<OutboundResult> {
  return postRaw(url, JSON.stringify(body), opts);
}

/** Most of an answer read before the connection is dropped (the excerpt keeps 500 characters of it). */
const MAX_READ_BYTES = 64 * 1024;

/**
 * POST `body` exactly as given (webhooks sign these bytes) with `opts.headers`. The address is checked when the
 * connection is made, on the address actually connected to, so a name that resolved to a public address when
 * the URL was saved and to a private one now (DNS rebinding) is still refused. Redirects are not followed; the
 * whole exchange is bounded by `timeoutMs`.
 */
export async function postRaw(url: string, body: string, opts: PostOptions): Promise<OutboundResult> {
  const started = Date.now();
  const refused = await checkOutboundUrl(url, opts.allowPrivate);
  if (refused) return { ok: false, status: null, latencyMs: 0, excerpt: `refused: ${refused}`, error: `refused: ${refused}` };
  const u = new URL(url);
  const client = u.protocol === 'https:' ? https : http;
  const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, options, (err, address, family) => {
      if (err) return callback(err, address as string, family);
      const all = Array.isArray(address) ? address.map((a) => a.address) : [address];
      if (!opts.allowPrivate && all.some(isPrivateAddress)) {
        return callback(Object.assign(new Error(`${hostname} resolved to a private or loopback address`), { code: 'EPRIVATE' }), address as string, family);
      }
      callback(null, address as string, family);
    });
  };
  return new Promise<OutboundResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<OutboundResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, latencyMs: Date.now() - started });
    };
    const req = client.request(
      u,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'MissionControl/1',
          ...opts.headers,
          'content-length': String(Buffer.byteLength(body)),
        },
        lookup: guardedLookup,
        // One request per connection: nothing to reuse between unrelated receivers, and no idle sockets.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8').slice(0, 500);
          const redirected = status >= 300 && status < 400;
          finish({
            ok: status >= 200 && status < 300,
            status,
            excerpt: redirected ? `redirect to ${res.headers.location ?? '?'} not followed` : text,
            error: redirected ? 'redirects are not followed' : undefined,
          });
          res.destroy();
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_READ_BYTES) done();
        });
        res.on('end', done);
        res.on('error', done);
        res.on('close', done);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error(`no answer within ${opts.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, opts.timeoutMs);
    req.on('error', (err: Error & { code?: string }) => {
      const reason = `failed: ${err.code ?? err.name}: ${err.message}`.slice(0, 500);
      finish({ ok: false, status: null, excerpt: reason, error: reason });
    });
    req.end(body);
  });
}
