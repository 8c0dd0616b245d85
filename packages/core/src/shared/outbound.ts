// Outbound HTTP to addresses that users typed in (agent endpoints, webhooks, and every later outbound call such as
// a gateway client): a timeout, no redirects, no credentials in the URL, and no internal targets — loopback,
// private, link-local, cloud metadata, carrier-grade NAT, reserved ranges, and IPv6 forms that carry one of those
// (IPv4-mapped, NAT64, 6to4, …) — unless the instance allows them (MC_WEBHOOK_ALLOW_PRIVATE=1). This is the one
// module that decides what "internal" means; a URL is checked when it is saved (host literals and reserved names
// only: a name need not resolve yet) and again at send time, on the address actually connected to.
import { validation } from '../errors';
import type { Ctx } from '../context';
import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import ipaddr from 'ipaddr.js';

export interface OutboundResult {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** First 500 characters of the answer, or the reason the call failed. */
  excerpt: string;
  /** Why no usable answer came (refused, timeout, connection error, redirect); absent when one did. */
  error?: string;
}

/**
 * What each non-public range of ipaddr.js is called in a refusal. Only `unicast` is public: a range this table
 * does not know (one a later ipaddr.js adds) is refused under its own name until someone decides otherwise.
 */
const RANGE_LABELS: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  reserved: 'reserved, documentation or benchmarking',
  benchmarking: 'benchmarking',
  as112: 'AS112 DNS sink',
  as112v6: 'AS112 DNS sink',
  amt: 'AMT relay',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'site-local',
  discard: 'discard-only',
  rfc6052: 'local-use NAT64',
  teredo: 'Teredo tunnel',
  deprecatedOrchid: 'ORCHID',
  orchid2: 'ORCHID',
  droneRemoteIdProtocolEntityTags: 'drone remote ID',
  segmentRouting: 'segment routing',
};

/**
 * Cloud instance-metadata and host-agent services (AWS, GCP, Azure; AWS over IPv6; Alibaba; Oracle; Azure's
 * WireServer, which sits on a public-looking address): named as such in refusals.
 */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '192.0.0.192', '168.63.129.16']);

/** Global unicast IPv6 (IANA): anything outside is reserved, local or special, whatever else it looks like. */
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
/** The NAT64 well-known prefix (RFC 6052): the last 32 bits are a public IPv4 address translated by a gateway. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * Names that never leave the machine or the local network (RFC 6761 localhost, RFC 6762 mDNS, RFC 8375
 * home.arpa, the private-use .internal), refused like an internal address literal. Other names are accepted when
 * saved and their addresses checked when connecting.
 */
const LOCAL_NAME_SUFFIXES = ['localhost', 'local', 'internal', 'home.arpa'];

export interface AddressVerdict {
  /** The address in canonical form (dotted IPv4; RFC 5952 IPv6). */
  address: string;
  /** null for a public internet address; otherwise what kind of internal address it is. */
  internal: string | null;
}

/** Only digits, dots and hex markers: an IPv4 address in one of the forms WHATWG URL accepts (0x7f.1, 2130706433, 127.1, 0177.0.0.1). */
const IPV4_LIKE = /^[0-9a-fx.]+$/i;

/**
 * Classify an IP address literal (any form a URL may carry: IPv6 with or without brackets, decimal, octal, hex or
 * short IPv4); null when `host` is not an IP literal but a name.
 */
export function classifyAddress(host: string): AddressVerdict | null {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (ipaddr.IPv6.isValid(bare)) return classifyParsed(ipaddr.IPv6.parse(bare));
  if (!IPV4_LIKE.test(bare)) return null;
  // WHATWG URL is what every outbound call parses the URL with, so its reading of 2130706433 or 0x7f.1 is the
  // address that would be connected to.
  let normalised: string;
  try {
    normalised = new URL(`http://${bare}/`).hostname;
  } catch {
    return null;
  }
  return ipaddr.IPv4.isValidFourPartDecimal(normalised) ? classifyParsed(ipaddr.IPv4.parse(normalised)) : null;
}

function classifyParsed(addr: ipaddr.IPv4 | ipaddr.IPv6): AddressVerdict {
  const address = addr.toString();
  if (METADATA_ADDRESSES.has(address)) return { address, internal: 'cloud metadata' };
  if (addr.kind() === 'ipv4') {
    const range = addr.range();
    return { address, internal: range === 'unicast' ? null : (RANGE_LABELS[range] ?? range) };
  }
  const v6 = addr as ipaddr.IPv6;
  const carried = carriedIPv4(v6);
  if (carried) {
    const inner = classifyParsed(carried.v4);
    if (inner.internal) return { address, internal: `${inner.internal} ${inner.address} inside ${carried.form}` };
    return { address, internal: carried.routable ? null : `${carried.form} (not routable)` };
  }
  const range = v6.range();
  if (range !== 'unicast') return { address, internal: RANGE_LABELS[range] ?? range };
  return { address, internal: v6.match(IPV6_GLOBAL_UNICAST) ? null : 'outside global unicast 2000::/3' };
}

/** The IPv4 address an IPv6 address carries, in the forms that reach it: the IPv4 address decides then. */
function carriedIPv4(v6: ipaddr.IPv6): { v4: ipaddr.IPv4; form: string; routable: boolean } | null {
  const p = v6.parts;
  const last32 = () => new ipaddr.IPv4([p[6] >> 8, p[6] & 0xff, p[7] >> 8, p[7] & 0xff]);
  const range = v6.range();
  if (range === 'ipv4Mapped') return { v4: last32(), form: 'an IPv4-mapped IPv6 address', routable: true };
  if (range === 'rfc6145') return { v4: last32(), form: 'an IPv4-translated IPv6 address', routable: true };
  if (range === 'rfc6052' && v6.match(NAT64_WELL_KNOWN)) return { v4: last32(), form: 'a NAT64 address', routable: true };
  if (range === '6to4') return { v4: new ipaddr.IPv4([p[1] >> 8, p[1] & 0xff, p[2] >> 8, p[2] & 0xff]), form: 'a 6to4 address', routable: true };
  // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291): :: and ::1 are matched as unspecified and loopback first.
  if (range === 'unicast' && p.slice(0, 6).every((x) => x === 0)) return { v4: last32(), form: 'an IPv4-compatible IPv6 address', routable: false };
  return null;
}

/** Why `host` (a URL's hostname) is an internal target, or null when it is a public address or a name. */
export function internalHostReason(host: string): string | null {
  const verdict = classifyAddress(host);
  if (verdict) return verdict.internal ? `${host} is an internal address (${verdict.internal})` : null;
  const name = host.toLowerCase().replace(/\.$/, '');
  const suffix = LOCAL_NAME_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  return suffix ? `${host} is a local-only name (.${suffix})` : null;
}

const ALLOW_HINT = 'private or loopback targets need MC_WEBHOOK_ALLOW_PRIVATE=1';

/**
 * Why a URL cannot be an outbound target, or null when it can: not http(s), credentials in it, or (unless
 * `allowPrivate`) a host that is an internal address literal or a local-only name. No DNS here: a name is
 * accepted even if it does not resolve yet; what it resolves to is checked when connecting (postRaw).
 */
export function checkOutboundUrl(url: string, allowPrivate: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'only http and https URLs are allowed';
  // They would be stored and shown with the URL (activity, the endpoint's DTO): credentials do not belong there.
  if (u.username || u.password) return 'a user name or password in the URL is not accepted';
  const verdict = classifyAddress(u.hostname);
  if (neverAllowed(verdict)) return `${u.hostname} is an internal address (${verdict!.internal}): never an outbound target, even with MC_WEBHOOK_ALLOW_PRIVATE=1`;
  if (allowPrivate) return null;
  const internal = internalHostReason(u.hostname);
  return internal ? `${internal}; ${ALLOW_HINT}` : null;
}

/**
 * Cloud metadata services and the rest of link-local (169.254/16 holds AWS's ECS task credentials at
 * 169.254.170.2; fe80::/10) hand out the host's credentials or reach only the host's own link: no receiver lives
 * there, so they are refused even where private targets are allowed (MC_WEBHOOK_ALLOW_PRIVATE=1 is for on-premise
 * receivers, not for these).
 */
export function neverAllowed(verdict: AddressVerdict | null): boolean {
  const why = verdict?.internal;
  return !!why && (why.startsWith('cloud metadata') || why.startsWith('link-local'));
}

/** Refuse an outbound URL a caller gives (400 VALIDATION_ERROR naming `field` of the body). */
export function assertOutboundUrl(ctx: Pick<Ctx, 'config'>, url: string, field: string): void {
  const refused = checkOutboundUrl(url, ctx.config.allowPrivateNetwork);
  if (refused) throw validation([{ field, in: 'body', message: refused }], `${field} refused: ${refused}`);
}

/**
 * The socket's DNS lookup, refusing a name any of whose addresses is internal (unless `allowPrivate`): the check
 * runs on the addresses the socket then connects to, so a name that resolved to a public address when the URL
 * was saved and resolves to an internal one now (DNS rebinding) is refused. `resolve` is the system resolver.
 */
export function guardedLookup(allowPrivate: boolean, resolve: typeof dnsLookup = dnsLookup): net.LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (err, address, family) => {
      if (err) return callback(err, address as string, family);
      const all = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const verdicts = all.map((a) => classifyAddress(a));
      const internal = allowPrivate ? verdicts.find(neverAllowed) : verdicts.find((v) => !v || v.internal);
      if (internal !== undefined) {
        const why = internal ? `${internal.address}, ${internal.internal}` : 'not an IP address';
        const error = Object.assign(new Error(`${hostname} resolved to an internal address (${why}); ${neverAllowed(internal) ? 'cloud metadata and link-local addresses are never an outbound target' : ALLOW_HINT}`), { code: 'EPRIVATE' });
        return callback(error, address as string, family);
      }
      callback(null, address as string, family);
    });
  };
}

/**
 * A socket lookup for an outbound client with rules of its own (a gateway's, gateways/gateway-address.ts): every
 * address the name resolves to must pass `check(hostname, address)` (null: fine; else the reason), or the
 * connection fails with code `EPRIVATE` and that reason. An address literal in a URL is not looked up by Node:
 * check it before connecting.
 */
export function checkedLookup(check: (hostname: string, address: string) => string | null, resolve: typeof dnsLookup = dnsLookup): net.LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (err, address, family) => {
      if (err) return callback(err, address as string, family);
      const all = Array.isArray(address) ? address.map((a) => a.address) : [address];
      for (const a of all) {
        const refused = check(hostname, a);
        if (refused) return callback(Object.assign(new Error(refused), { code: 'EPRIVATE' }), address as string, family);
      }
      callback(null, address as string, family);
    });
  };
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
 * POST `body` exactly as given (webhooks sign these bytes) with `opts.headers`. The URL is checked again here,
 * and the address connected to as well: an IP literal host (which Node connects to without any lookup) by the
 * URL check, a name inside the socket's lookup. Redirects are not followed; the whole exchange is bounded by
 * `timeoutMs`.
 */
export async function postRaw(url: string, body: string, opts: PostOptions): Promise<OutboundResult> {
  const started = Date.now();
  const refused = checkOutboundUrl(url, opts.allowPrivate);
  if (refused) return { ok: false, status: null, latencyMs: 0, excerpt: `refused: ${refused}`, error: `refused: ${refused}` };
  const u = new URL(url);
  const client = u.protocol === 'https:' ? https : http;
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
        lookup: guardedLookup(opts.allowPrivate),
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
