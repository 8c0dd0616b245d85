import { scryptSync } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { dummyPasswordHash, hashPassword, newSecret, PasswordHasher, sha256, verifyPassword } from './crypto';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts: the same password hashes differently each time, and both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('same-password'), hashPassword('same-password')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same-password', a)).toBe(true);
    expect(await verifyPassword('same-password', b)).toBe(true);
  });

  it('refuses stored values of another scheme or malformed ones instead of throwing', async () => {
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
    expect(await verifyPassword('x', '')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$16384$8$1$c2FsdA==')).toBe(false);
  });

  it('keeps the parameters in the stored value, so old hashes verify after a change of defaults', async () => {
    const stored = await hashPassword('pw-1234567');
    const [, , , , salt, key] = stored.split('$');
    // The same salt and key with the same parameters written explicitly is the same hash.
    expect(await verifyPassword('pw-1234567', `scrypt$16384$8$1$${salt}$${key}`)).toBe(true);
  });

  it('the dummy hash (for unknown e-mails) is a real hash that no guess matches', async () => {
    const dummy = await dummyPasswordHash();
    expect(dummy).toMatch(/^scrypt\$/);
    expect(await dummyPasswordHash()).toBe(dummy);
    expect(await verifyPassword('', dummy)).toBe(false);
    expect(await verifyPassword('password', dummy)).toBe(false);
  });
});

describe('the password hashing thread (one malloc arena for every scrypt, bench/README.md "Memory")', () => {
  const opts = { N: 1024, r: 8, p: 1 };
  it('gives the same keys as scrypt itself, with every concurrent hash on the one thread', async () => {
    const hasher = new PasswordHasher(60_000);
    try {
      const salts = Array.from({ length: 8 }, (_, i) => Buffer.from(`salt-${i}`));
      const keys = await Promise.all(salts.map((salt) => hasher.scrypt('pw', salt, 32, opts)));
      keys.forEach((key, i) => expect(key.equals(scryptSync('pw', salts[i], 32, opts))).toBe(true));
      expect(hasher.threadsStarted).toBe(1);
      expect(hasher.running).toBe(true);
    } finally {
      await hasher.stop();
    }
  });

  it('stops its thread when idle, and starts one again for the next hash', async () => {
    const hasher = new PasswordHasher(20);
    try {
      await hasher.scrypt('pw', Buffer.from('a'), 16, opts);
      await vi.waitFor(() => expect(hasher.running).toBe(false), { timeout: 10_000, interval: 20 });
      const key = await hasher.scrypt('pw', Buffer.from('b'), 16, opts);
      expect(key.equals(scryptSync('pw', Buffer.from('b'), 16, opts))).toBe(true);
      expect(hasher.threadsStarted).toBe(2);
    } finally {
      await hasher.stop();
    }
  });

  it('a failing hash rejects (invalid parameters) and the next one still works', async () => {
    const hasher = new PasswordHasher(60_000);
    try {
      await expect(hasher.scrypt('pw', Buffer.from('a'), 16, { N: 1000, r: 8, p: 1 })).rejects.toThrow();
      const key = await hasher.scrypt('pw', Buffer.from('a'), 16, opts);
      expect(key.equals(scryptSync('pw', Buffer.from('a'), 16, opts))).toBe(true);
    } finally {
      await hasher.stop();
    }
  });
});

describe('secrets', () => {
  it('sha256 is the hex digest', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('newSecret: the prefix and 32 random bytes (base64url), never the same twice', () => {
    const a = newSecret('mc_usr_');
    expect(a).toMatch(/^mc_usr_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice('mc_usr_'.length), 'base64url')).toHaveLength(32);
    const many = new Set(Array.from({ length: 200 }, () => newSecret('x_')));
    expect(many.size).toBe(200);
  });
});
