// Secrets at rest: the round trip, and every way a sealed value must refuse to open (wrong key, moved, changed).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSecret, parseSecretKey, readOrCreateKeyFile, resolveSecretKeys, sealedKeyId, sealSecret, secretKeyId, secretKeyring, SecretKeyError } from './secrets';

const key = () => randomBytes(32);

describe('sealSecret / openSecret', () => {
  it('round trip: the value comes back; the sealed text holds neither the value nor the key, and differs every time', () => {
    const k = key();
    const ring = secretKeyring(k);
    const a = sealSecret(ring, 'gateway-token-ABC', 'gateways.token:gtw_1');
    const b = sealSecret(ring, 'gateway-token-ABC', 'gateways.token:gtw_1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^mcs1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(a).not.toContain('gateway-token');
    expect(a).not.toContain(k.toString('base64url'));
    expect(sealedKeyId(a)).toBe(secretKeyId(k));
    expect(openSecret(ring, a, 'gateways.token:gtw_1')).toBe('gateway-token-ABC');
    expect(openSecret(ring, sealSecret(ring, '', 'c'), 'c')).toBe('');
    expect(openSecret(ring, sealSecret(ring, 'ünïcødé ✓', 'c'), 'c')).toBe('ünïcødé ✓');
  });

  it('a wrong key does not open it: another key is unknown by id, and a key forged to carry the same id fails authentication', () => {
    const ring = secretKeyring(key());
    const sealed = sealSecret(ring, 'secret', 'ctx');
    expect(() => openSecret(secretKeyring(key()), sealed, 'ctx')).toThrow(/which this process does not have/);
    // Same id, other key bytes (a forged ring): GCM's tag refuses it.
    const other = secretKeyring(key());
    const forged = { ...other, keys: new Map([[ring.current.id, other.current.key]]) };
    expect(() => openSecret(forged, sealed, 'ctx')).toThrow(SecretKeyError);
    expect(() => openSecret(forged, sealed, 'ctx')).toThrow(/does not open/);
  });

  it('a value moved to another row or column, or changed by one character, does not open', () => {
    const ring = secretKeyring(key());
    const sealed = sealSecret(ring, 'secret', 'gateways.token:gtw_A');
    expect(() => openSecret(ring, sealed, 'gateways.token:gtw_B')).toThrow(/does not open/);
    expect(() => openSecret(ring, sealed, 'gateways.device_identity:gtw_A')).toThrow(/does not open/);
    const parts = sealed.split('.');
    const ct = parts[3];
    parts[3] = (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1);
    expect(() => openSecret(ring, parts.join('.'), 'gateways.token:gtw_A')).toThrow(/does not open/);
    expect(() => openSecret(ring, 'plain-token', 'x')).toThrow(/unknown format/);
  });

  it('rotation: a ring with the new key and the previous one opens both, and seals with the new one', () => {
    const oldKey = key();
    const newKey = key();
    const sealedOld = sealSecret(secretKeyring(oldKey), 'v', 'c');
    const ring = secretKeyring(newKey, [oldKey]);
    expect(openSecret(ring, sealedOld, 'c')).toBe('v');
    expect(sealedKeyId(sealSecret(ring, 'v', 'c'))).toBe(secretKeyId(newKey));
    expect(() => openSecret(secretKeyring(newKey), sealedOld, 'c')).toThrow(/does not have/);
  });
});

describe('parseSecretKey', () => {
  it('takes 64 hex characters or 32 bytes in base64 / base64url', () => {
    const k = key();
    expect(parseSecretKey(k.toString('hex')).equals(k)).toBe(true);
    expect(parseSecretKey(k.toString('base64')).equals(k)).toBe(true);
    expect(parseSecretKey(k.toString('base64url')).equals(k)).toBe(true);
    expect(parseSecretKey(`  ${k.toString('hex')}\n`).equals(k)).toBe(true);
  });

  it('refuses anything else with a message naming the variable, never the value', () => {
    for (const bad of ['', 'short', 'x'.repeat(64), randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), randomBytes(33).toString('base64'), 'correct horse battery staple']) {
      let err: Error | undefined;
      try {
        parseSecretKey(bad);
      } catch (e) {
        err = e as Error;
      }
      expect(err, bad).toBeInstanceOf(SecretKeyError);
      expect(err!.message).toMatch(/^MC_SECRET_KEY must be 32 random bytes/);
      if (bad.length > 4) expect(err!.message).not.toContain(bad);
    }
  });
});

describe('resolveSecretKeys', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'mc-secrets-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('MC_SECRET_KEY wins; a malformed one throws; previous keys join the ring', () => {
    const k = key();
    const old = key();
    const r = resolveSecretKeys({ key: k.toString('base64'), previous: ` ${old.toString('hex')} `, keyFileDir: tmp() });
    expect(r.ring!.current.id).toBe(secretKeyId(k));
    expect(r.ring!.keys.has(secretKeyId(old))).toBe(true);
    expect(r.ring!.source).toBe('env');
    expect(r.note).not.toContain(k.toString('base64'));
    expect(() => resolveSecretKeys({ key: 'nope', keyFileDir: null })).toThrow(/MC_SECRET_KEY must be/);
    expect(() => resolveSecretKeys({ key: k.toString('hex'), previous: 'nope', keyFileDir: null })).toThrow(/MC_SECRET_KEY_PREVIOUS \(entry 1\)/);
  });

  it('with DATABASE_URL and no key: no ring, and a note that says what to set', () => {
    const r = resolveSecretKeys({ keyFileDir: null });
    expect(r.ring).toBeNull();
    expect(r.note).toMatch(/MC_SECRET_KEY/);
  });

  it('on the embedded database: a key file made once (0600) and read back on the next start', () => {
    const dir = tmp();
    const first = resolveSecretKeys({ keyFileDir: dir });
    const file = path.join(dir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    const second = resolveSecretKeys({ keyFileDir: dir });
    expect(second.ring!.current.id).toBe(first.ring!.current.id);
    expect(second.ring!.source).toBe('file');
    writeFileSync(file, 'garbage');
    expect(() => readOrCreateKeyFile(file)).toThrow(/the key file .* must be 32 random bytes/);
  });
});
