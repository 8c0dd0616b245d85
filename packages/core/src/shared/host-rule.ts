// One entry of a host allow-list (shared/host-allowlist.ts), as a type of its own: the core config (context.ts) holds
// a parsed list, and imports nothing that imports it back.
import type ipaddr from 'ipaddr.js';

/** A host name (exact, any case, canonical for an address literal) or an address range. */
export type HostRule = { kind: 'host'; host: string } | { kind: 'cidr'; text: string; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };
