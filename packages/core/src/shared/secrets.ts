// Secrets at rest (docs/adr/0019-secrets-at-rest.md): values Mission Control must read back in clear to use them
// (a gateway's token, its device identity) are stored sealed with AES-256-GCM under the instance's secret key. A
// sealed value names the key it was sealed with (a key id derived from the key), so a process holding the new key
// and the previous ones opens every row during a rotation. Each value is bound to where it is stored (`context`,
// e.g. `gateways.token:gtw_…`, authenticated but not stored): a ciphertext copied into another row or column does
// not open there.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The secret key is 32 bytes (AES-256). */
export const SECRET_KEY_BYTES = 32;
/** A sealed value starts with this (the format's version): `mcs1.<keyId>.<iv>.<ciphertext>.<tag>`, parts base64url. */
export const SEALED_PREFIX = 'mcs1';
/** The key file that stands in for MC_SECRET_KEY on the embedded database, in MC_DATA_DIR. */
export const SECRET_KEY_FILE = 'secret.key';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A secret key that cannot be used, or a sealed value that does not open: the message says which and why, never the value. */
export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

export interface SecretKeyring {
  /** New values are sealed with this key. */
  current: { id: string; key: Buffer };
  /** Every key that opens values (the current one and those given as previous), by key id. */
  keys: ReadonlyMap<string, Buffer>;
  /** Where the current key came from, for the startup line (never the key). */
  source: 'env' | 'file' | 'test';
}

/** The key's id: 8 hex characters of a hash of the key (not the key: 32 bits say nothing about 256). */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update('mission-control secret key id\0').update(key).digest('hex').slice(0, 8);
}

/**
 * Read a key as written in MC_SECRET_KEY: 64 hex characters, or 32 bytes in base64 / base64url (44 characters with
 * padding, 43 without). `openssl rand -base64 32` and `openssl rand -hex 32` both make one. Anything else is refused
 * with a message naming the variable (and never echoing the value).
 */
export function parseSecretKey(text: string, name = 'MC_SECRET_KEY'): Buffer {
  const v = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) {
    const key = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === SECRET_KEY_BYTES) return key;
  }
  throw new SecretKeyError(
    `${name} must be 32 random bytes written as 64 hex characters or 44 base64 characters (make one with \`openssl rand -base64 32\`); the value given (${v.length} characters) is neither`,
  );
}

/** A keyring from the current key and older ones that still open values sealed before a rotation. */
export function secretKeyring(current: Buffer, previous: readonly Buffer[] = [], source: SecretKeyring['source'] = 'env'): SecretKeyring {
  if (current.length !== SECRET_KEY_BYTES) throw new SecretKeyError(`a secret key is ${SECRET_KEY_BYTES} bytes`);
  const keys = new Map<string, Buffer>();
  for (const k of [current, ...previous]) {
    if (k.length !== SECRET_KEY_BYTES) throw new SecretKeyError(`a secret key is ${SECRET_KEY_BYTES} bytes`);
    keys.set(secretKeyId(k), k);
  }
  return { current: { id: secretKeyId(current), key: current }, keys, source };
}

/** A keyring with a fresh random key (tests). */
export function randomSecretKeyring(): SecretKeyring {
  return secretKeyring(randomBytes(SECRET_KEY_BYTES), [], 'test');
}

const b64 = (b: Buffer) => b.toString('base64url');

/** Seal `plaintext` for the place named by `context` (e.g. `gateways.token:gtw_…`). */
export function sealSecret(ring: SecretKeyring, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv);
  cipher.setAAD(Buffer.from(`${SEALED_PREFIX}\0${ring.current.id}\0${context}`));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [SEALED_PREFIX, ring.current.id, b64(iv), b64(ct), b64(cipher.getAuthTag())].join('.');
}

/** The id of the key a sealed value was sealed with (rotation: which rows still need the previous key). */
export function sealedKeyId(sealed: string): string | null {
  const parts = sealed.split('.');
  return parts.length === 5 && parts[0] === SEALED_PREFIX ? parts[1] : null;
}

/**
 * Open a sealed value stored at `context`. A value sealed with a key the ring does not hold, or that does not
 * authenticate (another key with the same id, a value moved from elsewhere, a changed byte), throws SecretKeyError.
 */
export function openSecret(ring: SecretKeyring, sealed: string, context: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== SEALED_PREFIX) throw new SecretKeyError('not a sealed secret (unknown format)');
  const [, keyId, iv, ct, tag] = parts;
  const key = ring.keys.get(keyId);
  if (!key) throw new SecretKeyError(`sealed with secret key ${keyId}, which this process does not have (set MC_SECRET_KEY, or add the old key to MC_SECRET_KEY_PREVIOUS)`);
  const ivBuf = Buffer.from(iv, 'base64url');
  const tagBuf = Buffer.from(tag, 'base64url');
  if (ivBuf.length !== IV_BYTES || tagBuf.length !== TAG_BYTES) throw new SecretKeyError('not a sealed secret (bad lengths)');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, ivBuf);
    decipher.setAAD(Buffer.from(`${SEALED_PREFIX}\0${keyId}\0${context}`));
    decipher.setAuthTag(tagBuf);
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError(`a secret sealed with key ${keyId} does not open with it (wrong key, or the value was changed or moved)`);
  }
}

export interface SecretKeySettings {
  /** MC_SECRET_KEY as given (unset or empty: none). */
  key?: string;
  /** MC_SECRET_KEY_PREVIOUS: comma-separated older keys that still open values (after a rotation). */
  previous?: string;
  /** The embedded database keeps its key file here (MC_DATA_DIR); null with DATABASE_URL. */
  keyFileDir: string | null;
}

export interface ResolvedSecretKeys {
  ring: SecretKeyring | null;
  /** One line for the startup log: where the key came from, or why there is none (never the key). */
  note: string;
}

/**
 * The instance's keyring, decided at startup (ADR 0019):
 * - MC_SECRET_KEY set: used (a malformed value throws: a wrong key must stop the process, not half-run it);
 * - unset, embedded database: the key file in MC_DATA_DIR, created (mode 0600) with a random key when missing;
 * - unset, DATABASE_URL: none. The app runs; what needs the key (gateways) answers 503 naming MC_SECRET_KEY, and
 *   `checkStoredSecrets` stops the process when the database already holds sealed values it could not open.
 */
export function resolveSecretKeys(s: SecretKeySettings): ResolvedSecretKeys {
  const previous = (s.previous ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x, i) => parseSecretKey(x, `MC_SECRET_KEY_PREVIOUS (entry ${i + 1})`));
  if (s.key && s.key.trim()) {
    const ring = secretKeyring(parseSecretKey(s.key), previous, 'env');
    return { ring, note: `secrets at rest: key ${ring.current.id} from MC_SECRET_KEY${previous.length ? ` (+${previous.length} previous)` : ''}` };
  }
  if (s.keyFileDir === null) {
    return { ring: null, note: 'secrets at rest: no MC_SECRET_KEY; gateways cannot be added until it is set (every process needs the same key)' };
  }
  const file = path.join(s.keyFileDir, SECRET_KEY_FILE);
  const ring = secretKeyring(readOrCreateKeyFile(file), previous, 'file');
  return { ring, note: `secrets at rest: key ${ring.current.id} from ${file}` };
}

/** The key file: 64 hex characters and a newline, mode 0600. Created when missing; a file with another content is refused. */
export function readOrCreateKeyFile(file: string): Buffer {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const key = randomBytes(SECRET_KEY_BYTES);
    // `wx`: if another process created it meanwhile, this fails and its key is read below.
    try {
      writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      return key;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const mode = statSync(file).mode & 0o777;
  // A key readable by others is tightened rather than refused: the owner can read it anyway.
  if (mode & 0o077) chmodSync(file, 0o600);
  return parseSecretKey(readFileSync(file, 'utf8'), `the key file ${file}`);
}
