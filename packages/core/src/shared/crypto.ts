import { createHash, randomBytes, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** SHA-256 hex. Keys and tokens are 32 random bytes, so a fast hash is enough to store them safely. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A secret with a readable prefix, e.g. `mc_usr_3kS…` (32 random bytes, base64url). */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** scrypt parameters: memory-hard (N·r·128 = 16 MiB per hash), ~50 ms on this machine. */
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

/** The hashing thread's code (CommonJS, evaluated: nothing to resolve in a bundle or under a TypeScript loader). */
const HASHER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', ({ id, password, salt, keylen, opts }) => {
  try {
    const key = scryptSync(password, Buffer.from(salt), keylen, opts);
    parentPort.postMessage({ id, key: new Uint8Array(key.buffer, key.byteOffset, key.length) });
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});`;

/**
 * scrypt on one thread of its own, one hash at a time. Each hash allocates 16 MiB (N·r·128). Run on Node's thread
 * pool (`crypto.scrypt`), every pool thread that ever ran one keeps those 16 MiB in its own malloc arena for the life
 * of the process (glibc does not hand them back): +65 MB after a handful of logins with the default 4 pool threads
 * (measured, bench/README.md "Memory"). One thread, one arena: 16 MiB at most, whatever the number of logins. The
 * thread stops after `idleMs` without work (its V8 isolate, about 10 MB, goes with it) and starts on the next hash.
 * Hashes wait their turn: ~50 ms each, and logins are rate-limited.
 */
export class PasswordHasher {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { worker: Worker; resolve: (key: Buffer) => void; reject: (err: Error) => void }>();
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Threads started so far (each start after an idle stop counts): for tests of the bound. */
  threadsStarted = 0;

  constructor(private readonly idleMs = 30_000) {}

  /** Whether the hashing thread is up now. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
    clearTimeout(this.idleTimer);
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      worker.ref();
      worker.postMessage({ id, password, salt: new Uint8Array(salt), keylen, opts: { ...opts, maxmem: 64 * 1024 * 1024 } });
    });
  }

  /** Stop the thread now (tests; a process exits without it: the thread does not keep it alive when idle). */
  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(HASHER_SOURCE, { eval: true });
    this.threadsStarted++;
    this.worker = worker;
    worker.on('message', (m: { id: number; key?: Uint8Array; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.key) p?.resolve(Buffer.from(m.key.buffer, m.key.byteOffset, m.key.length));
      else p?.reject(new Error(m.error ?? 'scrypt failed'));
      if (this.pending.size === 0 && this.worker === worker) this.idle(worker);
    });
    // A thread that fails (or is stopped) takes its own hashes with it, never those of the thread after it.
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, p] of this.pending) {
        if (p.worker !== worker) continue;
        this.pending.delete(id);
        p.reject(err);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the password hashing thread exited (${code})`)));
    return worker;
  }

  private idle(worker: Worker) {
    worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.pending.size > 0) return;
      this.worker = undefined;
      void worker.terminate();
    }, this.idleMs);
    this.idleTimer.unref();
  }
}

const hasher = new PasswordHasher();

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return hasher.scrypt(password, salt, keylen, opts);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keylen, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltB64, keyB64] = stored.split('$');
  if (scheme !== 'scrypt' || !keyB64) return false;
  const expected = Buffer.from(keyB64, 'base64');
  const actual = await scryptAsync(password, Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

/** A hash of a random password, verified against when the e-mail is unknown so that timing does not tell. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}
