// Where a gateway may be (issue 15, ADR 0020 beside ADR 0010): OpenClaw gateways usually sit on loopback or a private
// network, which the outbound address policy (shared/outbound.ts, the one module that says what "internal" means)
// refuses. For gateways the rule is GATEWAY_ADDRESS_RULES (gateways.rules.ts): an instance admin may register one at
// a private or loopback address; a workspace admin only at a public address or at a host/CIDR the instance allows
// (MC_GATEWAY_ALLOWED_HOSTS); link-local and cloud metadata addresses never. The URL is checked when saved (host
// literals and local-only names; a name need not resolve yet) and again when connecting, on the addresses the name
// resolves to (gatewayLookup), so DNS that points a public name at an internal address later does not help.
import { lookup as dnsLookup } from 'node:dns';
import type net from 'node:net';
import ipaddr from 'ipaddr.js';
import { classifyAddress, internalHostReason, neverAllowed } from '../shared/outbound';
import { GATEWAY_ADDRESS_RULES } from './gateways.rules';

/** One entry of MC_GATEWAY_ALLOWED_HOSTS: a host name (exact, any case) or an address range. */
export type GatewayHostRule = { kind: 'host'; host: string } | { kind: 'cidr'; text: string; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

/** What decides whether a gateway's address is acceptable. */
export interface GatewayAddressPolicy {
  /** The gateway was registered (or its URL last set) by an instance admin: private and loopback addresses are fine. */
  allowPrivate: boolean;
  /** MC_GATEWAY_ALLOWED_HOSTS, parsed. */
  allowedHosts: readonly GatewayHostRule[];
}

const normaliseHost = (h: string) => h.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');

/**
 * Parse MC_GATEWAY_ALLOWED_HOSTS: comma-separated host names (`gw.lan`), addresses (`10.0.0.5`, `::1`) or CIDRs
 * (`10.0.0.0/8`, `fd00::/8`). A malformed entry throws (a startup error naming it); a link-local or metadata range
 * is refused too, since those are never allowed whatever this list says.
 */
export function parseGatewayAllowedHosts(text: string | undefined): GatewayHostRule[] {
  const out: GatewayHostRule[] = [];
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.includes('/')) {
      let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
      try {
        range = ipaddr.parseCIDR(entry);
      } catch {
        throw new Error(`MC_GATEWAY_ALLOWED_HOSTS: "${entry}" is not a CIDR range (e.g. 10.0.0.0/8 or fd00::/8)`);
      }
      const first = classifyAddress(range[0].toString());
      if (neverAllowed(first)) throw new Error(`MC_GATEWAY_ALLOWED_HOSTS: "${entry}" is ${first!.internal}, which gateways may never use`);
      out.push({ kind: 'cidr', text: entry, range });
      continue;
    }
    const host = normaliseHost(entry);
    if (!/^[a-z0-9.:_-]+$/.test(host)) throw new Error(`MC_GATEWAY_ALLOWED_HOSTS: "${entry}" is not a host name, an address or a CIDR range`);
    const literal = classifyAddress(host);
    if (neverAllowed(literal)) throw new Error(`MC_GATEWAY_ALLOWED_HOSTS: "${entry}" is ${literal!.internal}, which gateways may never use`);
    // An address literal is kept in canonical form, so 127.1 and 127.0.0.1 are one entry.
    out.push({ kind: 'host', host: literal ? literal.address : host });
  }
  return out;
}

function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const v = classifyAddress(address);
  if (!v) return null;
  const parsed = ipaddr.parse(v.address);
  // An IPv4-mapped IPv6 address is judged as the IPv4 address it carries (as shared/outbound.ts does).
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

/** Does MC_GATEWAY_ALLOWED_HOSTS allow this host name or address? */
export function hostAllowed(host: string, rules: readonly GatewayHostRule[]): boolean {
  if (rules.length === 0) return false;
  const name = normaliseHost(host);
  const addr = parseAddress(name);
  for (const r of rules) {
    if (r.kind === 'host' && r.host === (addr ? classifyAddress(name)!.address : name)) return true;
    if (r.kind === 'cidr' && addr && addr.kind() === r.range[0].kind() && addr.match(r.range as [ipaddr.IPv4, number])) return true;
  }
  return false;
}

const WHO_MAY = 'only an instance admin may register a gateway there, or allow the host for workspace admins with MC_GATEWAY_ALLOWED_HOSTS';

/**
 * Why `url` cannot be a gateway's address under `policy`, or null when it can: ws:// or wss:// only, no user name
 * or password in it (the token has its own field), never link-local or metadata, and an internal address literal
 * or local-only name only for an instance admin or a host MC_GATEWAY_ALLOWED_HOSTS allows. No DNS here.
 */
export function checkGatewayUrl(url: string, policy: GatewayAddressPolicy): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (!(GATEWAY_ADDRESS_RULES.schemes as readonly string[]).includes(u.protocol)) return 'only ws:// and wss:// URLs are allowed';
  if (u.username || u.password) return 'a user name or password in the URL is not accepted (the token has its own field)';
  const verdict = classifyAddress(u.hostname);
  if (neverAllowed(verdict)) return `${u.hostname} is an internal address (${verdict!.internal}): never a gateway address, not even for an instance admin`;
  const internal = internalHostReason(u.hostname);
  if (!internal || policy.allowPrivate || hostAllowed(u.hostname, policy.allowedHosts)) return null;
  return `${internal}; ${WHO_MAY}`;
}

/** Why connecting to `address` (what `hostname` resolved to) is refused under `policy`, or null when it is fine. */
export function checkGatewayAddress(hostname: string, address: string, policy: GatewayAddressPolicy): string | null {
  const verdict = classifyAddress(address);
  if (!verdict) return `${hostname} resolved to something that is not an IP address`;
  if (neverAllowed(verdict)) return `${hostname} resolved to ${verdict.address} (${verdict.internal}): never a gateway address`;
  if (!verdict.internal || policy.allowPrivate) return null;
  if (hostAllowed(hostname, policy.allowedHosts) || hostAllowed(verdict.address, policy.allowedHosts)) return null;
  return `${hostname} resolved to an internal address (${verdict.address}, ${verdict.internal}); ${WHO_MAY}`;
}

/**
 * The socket lookup a gateway client connects with: every address the name resolves to must pass
 * `checkGatewayAddress`, else the connection fails with code `EPRIVATE`. An address literal in the URL is not
 * looked up by Node: check it with `checkGatewayUrl` before connecting (assertGatewayConnectable does both).
 */
export function gatewayLookup(policy: GatewayAddressPolicy, resolve: typeof dnsLookup = dnsLookup): net.LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (err, address, family) => {
      if (err) return callback(err, address as string, family);
      const all = Array.isArray(address) ? address.map((a) => a.address) : [address];
      for (const a of all) {
        const refused = checkGatewayAddress(hostname, a, policy);
        if (refused) return callback(Object.assign(new Error(refused), { code: 'EPRIVATE' }), address as string, family);
      }
      callback(null, address as string, family);
    });
  };
}
