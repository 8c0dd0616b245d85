// Where a gateway may be (issue 15, ADR 0019 beside ADR 0010): OpenClaw gateways usually sit on loopback or a private
// network, which the outbound address policy (shared/outbound.ts, the one module that says what "internal" means)
// refuses. For gateways the rule is GATEWAY_ADDRESS_RULES (gateways.rules.ts): an instance admin may register one at
// a private or loopback address; a workspace admin only at a public address or at a host/CIDR the instance allows
// (MC_GATEWAY_ALLOWED_HOSTS); link-local and cloud metadata addresses never. The URL is checked when saved (host
// literals and local-only names; a name need not resolve yet) and again when connecting, on the addresses the name
// resolves to (gatewayLookup), so DNS that points a public name at an internal address later does not help.
import { hostAllowed, parseHostAllowList, type HostRule } from '../shared/host-allowlist';
import { checkedLookup, classifyAddress, internalHostReason, neverAllowed } from '../shared/outbound';
import { GATEWAY_ADDRESS_RULES } from './gateways.rules';

/** One entry of MC_GATEWAY_ALLOWED_HOSTS (shared/host-allowlist.ts). */
export type GatewayHostRule = HostRule;

/** What decides whether a gateway's address is acceptable. */
export interface GatewayAddressPolicy {
  /** The gateway was registered (or its URL last set) by an instance admin: private and loopback addresses are fine. */
  allowPrivate: boolean;
  /** MC_GATEWAY_ALLOWED_HOSTS, parsed. */
  allowedHosts: readonly GatewayHostRule[];
}

/** Parse MC_GATEWAY_ALLOWED_HOSTS (comma-separated hosts, addresses, CIDRs); a bad or never-allowed entry throws. */
export const parseGatewayAllowedHosts = (text: string | undefined) => parseHostAllowList(text, GATEWAY_ADDRESS_RULES.allowedHostsVariable);

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
 * The socket lookup a gateway client connects with (pass it as the WebSocket's / socket's `lookup`): every address
 * the name resolves to must pass `checkGatewayAddress`, else the connection fails with code `EPRIVATE`. An address
 * literal in the URL is not looked up by Node: check it with `checkGatewayUrl` before connecting.
 */
export function gatewayLookup(policy: GatewayAddressPolicy, resolve?: Parameters<typeof checkedLookup>[1]): ReturnType<typeof checkedLookup> {
  return checkedLookup((hostname, address) => checkGatewayAddress(hostname, address, policy), resolve);
}
