// An allow-list of hosts and address ranges an instance names in a variable (MC_GATEWAY_ALLOWED_HOSTS): host names,
// addresses and CIDRs, compared the way shared/outbound.ts reads addresses (canonical forms; an IPv4-mapped IPv6
// address is its IPv4 address). Link-local and cloud metadata entries are refused: nothing may allow those.
import ipaddr from 'ipaddr.js';
import { classifyAddress, neverAllowed } from './outbound';

import type { HostRule } from './host-rule';

export type { HostRule } from './host-rule';

const normaliseHost = (h: string) => h.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');

/**
 * Parse an allow-list variable (`name`, e.g. MC_GATEWAY_ALLOWED_HOSTS): comma-separated host names (`gw.lan`), addresses (`10.0.0.5`, `::1`) or CIDRs
 * (`10.0.0.0/8`, `fd00::/8`). A malformed entry throws (a startup error naming it); a link-local or metadata range
 * is refused too, since those are never allowed whatever this list says.
 */
export function parseHostAllowList(text: string | undefined, name: string): HostRule[] {
  const out: HostRule[] = [];
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.includes('/')) {
      let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
      try {
        range = ipaddr.parseCIDR(entry);
      } catch {
        throw new Error(`${name}: "${entry}" is not a CIDR range (e.g. 10.0.0.0/8 or fd00::/8)`);
      }
      const first = classifyAddress(range[0].toString());
      if (neverAllowed(first)) throw new Error(`${name}: "${entry}" is ${first!.internal}, which is never allowed`);
      out.push({ kind: 'cidr', text: entry, range });
      continue;
    }
    const host = normaliseHost(entry);
    if (!/^[a-z0-9.:_-]+$/.test(host)) throw new Error(`${name}: "${entry}" is not a host name, an address or a CIDR range`);
    const literal = classifyAddress(host);
    if (neverAllowed(literal)) throw new Error(`${name}: "${entry}" is ${literal!.internal}, which is never allowed`);
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

/** Does the allow-list name this host, or hold this address in one of its ranges? */
export function hostAllowed(host: string, rules: readonly HostRule[]): boolean {
  if (rules.length === 0) return false;
  const name = normaliseHost(host);
  const addr = parseAddress(name);
  for (const r of rules) {
    if (r.kind === 'host' && r.host === (addr ? classifyAddress(name)!.address : name)) return true;
    if (r.kind === 'cidr' && addr && addr.kind() === r.range[0].kind() && addr.match(r.range as [ipaddr.IPv4, number])) return true;
  }
  return false;
}

