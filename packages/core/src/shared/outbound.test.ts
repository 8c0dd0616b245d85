// The address table: which outbound targets are internal (refused unless MC_WEBHOOK_ALLOW_PRIVATE=1) and which
// are not, in every form a URL can spell them. Each row is a URL as a user would type it; the expected refusal
// names the kind of address, so a row that is refused for the wrong reason fails too.
import type { LookupAddress } from 'node:dns';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkOutboundUrl, classifyAddress, guardedLookup, postRaw } from './outbound';

/** [URL, null when it is allowed | what the refusal must say]. */
const TABLE: [string, RegExp | null][] = [
  // IPv4 loopback in every spelling WHATWG URL reads as 127.0.0.1
  ['http://127.0.0.1:8080/hook', /loopback/],
  ['http://127.255.255.254/', /loopback/],
  ['http://2130706433/', /127\.0\.0\.1 is an internal address \(loopback\)/], // decimal
  ['http://0x7f.1/', /127\.0\.0\.1 .*loopback/], // hex, short
  ['http://0x7f000001/', /127\.0\.0\.1 .*loopback/], // hex
  ['http://017700000001/', /127\.0\.0\.1 .*loopback/], // octal
  ['http://0177.0.0.1/', /127\.0\.0\.1 .*loopback/], // octal part
  ['http://127.1/', /127\.0\.0\.1 .*loopback/], // short
  ['http://127.0.0.1./', /loopback/], // trailing dot
  ['http://%31%32%37.0.0.1/', /loopback/], // percent-encoded
  ['http://１２７.０.０.１/', /loopback/], // full-width digits (IDNA maps them)
  // Other internal IPv4
  ['http://0.0.0.0/', /unspecified/],
  ['http://0/', /unspecified/],
  ['http://10.1.2.3/', /private/],
  ['http://172.16.0.1/', /private/],
  ['http://172.31.255.255/', /private/],
  ['http://192.168.1.1/', /private/],
  ['http://169.254.169.254/latest/meta-data/', /cloud metadata/],
  ['http://169.254.1.1/', /link-local/],
  ['http://169.254.170.2/v2/credentials', /link-local/], // AWS ECS task credentials
  ['http://168.63.129.16/machine', /cloud metadata/], // Azure WireServer, a public-looking address
  ['http://100.64.0.1/', /carrier-grade NAT/],
  ['http://100.100.100.200/', /cloud metadata/],
  ['http://198.18.0.1/', /reserved/], // benchmarking
  ['http://192.0.2.1/', /reserved/], // documentation
  ['http://198.51.100.7/', /reserved/], // documentation
  ['http://203.0.113.9/', /reserved/], // documentation
  ['http://192.0.0.192/', /cloud metadata/],
  ['http://240.0.0.1/', /reserved/],
  ['http://255.255.255.255/', /broadcast/],
  ['http://224.0.0.1/', /multicast/],
  // IPv6 and the IPv6 forms that carry an IPv4 address
  ['http://[::1]:9/', /loopback/],
  ['http://[0:0:0:0:0:0:0:1]/', /loopback/],
  ['http://[::]/', /unspecified/],
  ['http://[::ffff:127.0.0.1]:8080/hook', /loopback 127\.0\.0\.1 inside an IPv4-mapped/],
  ['http://[::ffff:7f00:1]/', /loopback 127\.0\.0\.1 inside an IPv4-mapped/],
  ['http://[0:0:0:0:0:ffff:127.0.0.1]/', /IPv4-mapped/],
  ['http://[::ffff:10.0.0.1]/', /private 10\.0\.0\.1 inside an IPv4-mapped/],
  ['http://[::ffff:169.254.169.254]/', /cloud metadata 169\.254\.169\.254 inside/],
  ['http://[::ffff:0:7f00:1]/', /loopback 127\.0\.0\.1 inside an IPv4-translated/],
  ['http://[::127.0.0.1]/', /loopback 127\.0\.0\.1 inside an IPv4-compatible/],
  ['http://[::8.8.8.8]/', /IPv4-compatible IPv6 address \(not routable\)/],
  ['http://[64:ff9b::127.0.0.1]/', /loopback 127\.0\.0\.1 inside a NAT64/],
  ['http://[64:ff9b::a9fe:a9fe]/', /cloud metadata 169\.254\.169\.254 inside a NAT64/],
  ['http://[64:ff9b:1::1]/', /local-use NAT64/],
  ['http://[2002:7f00:1::1]/', /loopback 127\.0\.0\.1 inside a 6to4/],
  ['http://[2002:c0a8:101::1]/', /private 192\.168\.1\.1 inside a 6to4/],
  ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', /Teredo/],
  ['http://[fe80::1]/', /link-local/],
  ['http://[fc00::1]/', /unique-local/],
  ['http://[fd12:3456::1]/', /unique-local/],
  ['http://[fd00:ec2::254]/', /cloud metadata/],
  ['http://[fec0::1]/', /site-local/],
  ['http://[ff02::1]/', /multicast/],
  ['http://[2001:db8::1]/', /reserved/], // documentation
  ['http://[3fff::1]/', /reserved/], // documentation (RFC 9637)
  ['http://[2001:2::1]/', /benchmarking/],
  ['http://[100::1]/', /discard-only/],
  ['http://[4000::1]/', /outside global unicast/],
  // Names that never leave the machine or the local network
  ['http://localhost:9/x', /local-only name \(\.localhost\)/],
  ['http://LOCALHOST/', /\.localhost/],
  ['http://localhost./', /\.localhost/],
  ['http://api.localhost/', /\.localhost/],
  ['http://printer.local/', /\.local\)/],
  ['http://metadata.google.internal/computeMetadata/v1/', /\.internal/],
  ['http://router.home.arpa/', /\.home\.arpa/],
  // Public: allowed
  ['https://example.com/hooks/mc', null],
  ['http://hooks.example.org:8080/x?y=1', null],
  ['https://not-resolvable-yet.example/', null], // a name is accepted even if it does not resolve yet
  ['https://localhost.example.com/', null], // only the localhost label itself is local
  ['https://my.internal.example.com/', null],
  ['http://93.184.215.14/', null],
  ['http://8.8.8.8/', null],
  ['http://1.1.1.1:443/', null],
  ['http://172.32.0.1/', null], // just past 172.16/12
  ['http://100.128.0.1/', null], // just past 100.64/10
  ['http://[2606:4700:4700::1111]/', null],
  ['http://[2001:4860:4860::8888]/', null],
  ['http://[::ffff:8.8.8.8]/', null], // a mapped public address is that public address
  ['http://[64:ff9b::808:808]/', null], // NAT64 of 8.8.8.8
  ['http://[2002:808:808::1]/', null], // 6to4 of 8.8.8.8
  // Not a target at all, whatever the setting
  ['ftp://example.com/', /only http and https/],
  ['file:///etc/passwd', /only http and https/],
  ['http://user:secret@example.com/', /user name or password/],
  ['http://user@example.com/', /user name or password/],
  ['not a url', /not a valid URL/],
];

describe('outbound address table', () => {
  it('has at least 40 forms, refused and allowed', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
    expect(TABLE.filter(([, want]) => want === null).length).toBeGreaterThanOrEqual(10);
  });

  it.each(TABLE)('%s', (url, want) => {
    const refused = checkOutboundUrl(url, false);
    if (want === null) expect(refused).toBeNull();
    else expect(refused).toMatch(want);
  });

  it.each(TABLE.filter(([, want]) => want !== null))('with private targets allowed, only scheme, credentials, cloud metadata and link-local still count: %s', (url, want) => {
    const refused = checkOutboundUrl(url, true);
    if (/only http|user name|not a valid/.test(String(want))) expect(refused).toMatch(want!);
    else if (/cloud metadata|link-local/.test(String(want))) expect(refused).toMatch(/internal address \((cloud metadata|link-local).*never an outbound target/);
    else expect(refused).toBeNull();
  });
});

describe('classifyAddress', () => {
  it('reads bare and bracketed literals and every IPv4 spelling, and tells names apart', () => {
    expect(classifyAddress('::ffff:127.0.0.1')).toEqual({ address: '::ffff:7f00:1', internal: 'loopback 127.0.0.1 inside an IPv4-mapped IPv6 address' });
    expect(classifyAddress('[::1]')).toEqual({ address: '::1', internal: 'loopback' });
    expect(classifyAddress('2130706433')).toEqual({ address: '127.0.0.1', internal: 'loopback' });
    expect(classifyAddress('0xa.0x1')).toEqual({ address: '10.0.0.1', internal: 'private' });
    expect(classifyAddress('fe80::1%eth0')?.internal).toBe('link-local');
    expect(classifyAddress('8.8.8.8')).toEqual({ address: '8.8.8.8', internal: null });
    expect(classifyAddress('example.com')).toBeNull();
    expect(classifyAddress('cafe.face')).toBeNull();
    expect(classifyAddress('1.2.3.4.5')).toBeNull();
  });
});

/** A stand-in for the system resolver (the network is outside the machine): answers `addresses` for any name. */
function resolverAnswering(addresses: string[]) {
  return ((_host: string, options: { all?: boolean }, cb: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    const all = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all) cb(null, all);
    else cb(null, all[0].address, all[0].family);
  }) as never;
}

function lookUp(addresses: string[], allowPrivate: boolean, all: boolean) {
  return new Promise<{ err: (Error & { code?: string }) | null; address: unknown }>((resolve) => {
    guardedLookup(allowPrivate, resolverAnswering(addresses))('hooks.example.com', { all }, (err, address) => resolve({ err, address }));
  });
}

describe('the lookup at send time (the address actually connected to)', () => {
  it.each([
    [['127.0.0.1'], /127\.0\.0\.1, loopback/],
    [['::ffff:127.0.0.1'], /IPv4-mapped/],
    [['93.184.215.14', '10.0.0.5'], /10\.0\.0\.5, private/], // one internal answer among public ones is enough
    [['2606:4700:4700::1111', 'fd00:ec2::254'], /cloud metadata/],
    [['169.254.169.254'], /cloud metadata/],
    [['169.254.170.2'], /link-local/],
  ])('refuses a name that resolves to %j', async (addresses, reason) => {
    // Asked for one address, the resolver answers the first: only a list shows the later internal ones.
    for (const all of addresses.length > 1 ? [true] : [true, false]) {
      const { err } = await lookUp(addresses, false, all);
      expect(err?.code).toBe('EPRIVATE');
      expect(err?.message).toMatch(reason);
    }
    // With private targets allowed, only a cloud metadata answer is still refused.
    const withPrivate = (await lookUp(addresses, true, true)).err;
    if (/cloud metadata|link-local/.test(String(reason))) expect(withPrivate?.code).toBe('EPRIVATE');
    else expect(withPrivate).toBeNull();
  });

  it('passes public answers through unchanged', async () => {
    const { err, address } = await lookUp(['93.184.215.14', '2606:4700:4700::1111'], false, true);
    expect(err).toBeNull();
    expect(address).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
    ]);
  });
});

describe('postRaw', () => {
  it('checks an IP-literal host (connected to without any lookup) before connecting', async () => {
    const received: string[] = [];
    const server = createServer((req, res) => {
      received.push(req.url ?? '');
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '2130706433', '0x7f.1', 'localhost']) {
        const refused = await postRaw(`http://${host}:${port}/refused`, '{}', { allowPrivate: false, timeoutMs: 2000 });
        expect(refused, host).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/^refused: .*private or loopback/) });
      }
      expect(received).toEqual([]);
      // Allowed: the same mapped literal reaches the loopback receiver (what the refusal above prevents).
      const allowed = await postRaw(`http://[::ffff:127.0.0.1]:${port}/allowed`, '{}', { allowPrivate: true, timeoutMs: 2000 });
      expect(allowed).toMatchObject({ ok: true, status: 200 });
      expect(received).toEqual(['/allowed']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
