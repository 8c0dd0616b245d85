// Outbound HTTP to addresses that users typed in (agent endpoints, later webhooks): a timeout, no redirects,
// and no loopback/private/link-local targets unless the instance allows them (MC_WEBHOOK_ALLOW_PRIVATE=1),
// so that registering an agent cannot make the server probe its own network.
import { lookup } from 'node:dns/promises';
import net from 'node:net';

export interface OutboundResult {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** First 500 characters of the answer, or the reason the call failed. */
  excerpt: string;
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

export async function postJson(
  url: string,
  body: unknown,
  opts: { allowPrivate: boolean; timeoutMs: number; headers?: Record<string, string> },
): Promise<OutboundResult> {
  const started = Date.now();
  const refused = await checkOutboundUrl(url, opts.allowPrivate);
  if (refused) return { ok: false, status: null, latencyMs: 0, excerpt: `refused: ${refused}` };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'MissionControl/1', ...opts.headers },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = (await res.text().catch(() => '')).slice(0, 500);
    const redirected = res.status >= 300 && res.status < 400;
    return {
      ok: res.ok,
      status: res.status,
      latencyMs: Date.now() - started,
      excerpt: redirected ? `redirect to ${res.headers.get('location') ?? '?'} not followed` : text,
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, status: null, latencyMs: Date.now() - started, excerpt: `failed: ${e.cause?.code ?? e.name}: ${e.message}`.slice(0, 500) };
  }
}
