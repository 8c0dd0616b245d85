// Where a gateway may be: the table of URLs per caller (instance admin, workspace admin, workspace admin with
// MC_GATEWAY_ALLOWED_HOSTS), and the check of resolved addresses at connect time (DNS through an injected resolver).
import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { checkGatewayAddress, checkGatewayUrl, gatewayLookup, parseGatewayAllowedHosts, type GatewayAddressPolicy } from './gateway-address';

const admin: GatewayAddressPolicy = { allowPrivate: true, allowedHosts: [] };
const wsAdmin: GatewayAddressPolicy = { allowPrivate: false, allowedHosts: [] };
const wsAdminAllowed: GatewayAddressPolicy = { allowPrivate: false, allowedHosts: parseGatewayAllowedHosts('gw.lan, 10.0.0.0/8, 127.0.0.1, fd00::/8') };

/** [url, instance admin, workspace admin, workspace admin with MC_GATEWAY_ALLOWED_HOSTS]: null = accepted, else what the refusal says. */
const TABLE: [string, RegExp | null, RegExp | null, RegExp | null][] = [
  ['wss://gw.example.com', null, null, null],
  ['ws://203.0.114.10:18789', null, null, null],
  ['ws://127.0.0.1:18789', null, /loopback.*only an instance admin/, null],
  ['ws://127.1:18789', null, /loopback/, null], // short form of 127.0.0.1, the same entry
  ['ws://localhost:18789', null, /local-only name/, /local-only name/],
  ['ws://[::1]:18789', null, /loopback/, /loopback/],
  ['ws://10.2.3.4:18789', null, /private/, null],
  ['ws://192.168.1.5:18789', null, /private/, /private/],
  ['ws://[fd12::5]:18789', null, /unique-local/, null],
  ['ws://gw.lan:18789', null, null, null], // a name: not resolved when saved (checked when connecting)
  ['ws://gw.internal:18789', null, /local-only name/, /local-only name/],
  ['ws://[::ffff:10.0.0.1]:1', null, /private/, null], // IPv4-mapped: judged as the IPv4 address
  // Never, for anyone
  ['ws://169.254.169.254/', /never a gateway address/, /never/, /never/],
  ['ws://169.254.10.1:18789', /link-local.*never/, /never/, /never/],
  ['ws://[fe80::1]:18789', /link-local.*never/, /never/, /never/],
  ['ws://100.100.100.200/', /cloud metadata/, /cloud metadata/, /cloud metadata/],
  ['ws://[::ffff:169.254.169.254]/', /never/, /never/, /never/],
  ['ws://168.63.129.16/', /cloud metadata/, /cloud metadata/, /cloud metadata/],
  // Not a WebSocket URL, or credentials in it
  ['http://gw.example.com', /only ws:\/\/ and wss:\/\//, /only ws/, /only ws/],
  ['https://gw.example.com', /only ws/, /only ws/, /only ws/],
  ['ws://user:pw@gw.example.com', /user name or password/, /user name or password/, /user name or password/],
  ['not a url', /not a valid URL/, /not a valid URL/, /not a valid URL/],
];

describe('checkGatewayUrl', () => {
  for (const [url, forAdmin, forWsAdmin, forAllowed] of TABLE) {
    it(url, () => {
      const cases: [GatewayAddressPolicy, RegExp | null][] = [
        [admin, forAdmin],
        [wsAdmin, forWsAdmin],
        [wsAdminAllowed, forAllowed],
      ];
      for (const [policy, expected] of cases) {
        const got = checkGatewayUrl(url, policy);
        if (expected === null) expect(got, JSON.stringify(policy)).toBeNull();
        else expect(got, JSON.stringify(policy)).toMatch(expected);
      }
    });
  }
});

describe('parseGatewayAllowedHosts', () => {
  it('reads hosts, addresses and CIDRs; refuses malformed entries and never-allowed ranges by name', () => {
    expect(parseGatewayAllowedHosts(undefined)).toEqual([]);
    expect(parseGatewayAllowedHosts(' , ')).toEqual([]);
    expect(parseGatewayAllowedHosts('GW.Lan.').map((r) => r.kind === 'host' && r.host)).toEqual(['gw.lan']);
    expect(() => parseGatewayAllowedHosts('10.0.0.0/33')).toThrow(/MC_GATEWAY_ALLOWED_HOSTS: "10.0.0.0\/33" is not a CIDR range/);
    expect(() => parseGatewayAllowedHosts('gw lan')).toThrow(/not a host name/);
    expect(() => parseGatewayAllowedHosts('169.254.0.0/16')).toThrow(/link-local/);
    expect(() => parseGatewayAllowedHosts('169.254.169.254')).toThrow(/cloud metadata/);
  });
});

/** A resolver answering `addresses` for every name (all: true, as Node's socket lookup may ask). */
function resolverOf(addresses: string[]) {
  return ((hostname: string, options: unknown, cb: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    const all = addresses.map((a) => ({ address: a, family: a.includes(':') ? 6 : 4 }));
    if ((options as { all?: boolean }).all) cb(null, all);
    else cb(null, all[0].address, all[0].family);
  }) as never;
}

function lookupWith(policy: GatewayAddressPolicy, hostname: string, addresses: string[]): Promise<Error | null> {
  return new Promise((resolve) => gatewayLookup(policy, resolverOf(addresses))(hostname, { all: true }, (err) => resolve(err)));
}

describe('resolved addresses (connect time)', () => {
  it('a public name that resolves to an internal address is refused for a workspace admin, not for an instance admin', async () => {
    expect(await lookupWith(wsAdmin, 'gw.example.com', ['93.184.216.34'])).toBeNull();
    const refused = await lookupWith(wsAdmin, 'gw.example.com', ['93.184.216.34', '10.0.0.7']);
    expect(refused?.message).toMatch(/gw.example.com resolved to an internal address \(10.0.0.7, private\)/);
    expect((refused as { code?: string }).code).toBe('EPRIVATE');
    expect(await lookupWith(admin, 'gw.example.com', ['10.0.0.7'])).toBeNull();
  });

  it('MC_GATEWAY_ALLOWED_HOSTS allows by name or by the resolved address', async () => {
    expect(await lookupWith(wsAdminAllowed, 'gw.lan', ['192.168.9.9'])).toBeNull(); // the name is listed
    expect(await lookupWith(wsAdminAllowed, 'other.lan', ['10.9.9.9'])).toBeNull(); // the address is in 10/8
    expect((await lookupWith(wsAdminAllowed, 'other.lan', ['192.168.9.9']))?.message).toMatch(/internal address/);
  });

  it('link-local and metadata addresses are refused even for an instance admin and a listed name', async () => {
    expect((await lookupWith(admin, 'gw.example.com', ['169.254.169.254']))?.message).toMatch(/never a gateway address/);
    expect((await lookupWith(wsAdminAllowed, 'gw.lan', ['fe80::1']))?.message).toMatch(/link-local.*never/);
    expect(checkGatewayAddress('x', '169.254.170.2', admin)).toMatch(/never/);
  });
});
