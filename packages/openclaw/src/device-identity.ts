// Device identity for gateways that require pairing (anything not reached on loopback with the shared token).
// Facts from openclaw 2026.9.6 (src/infra/device-identity.ts, packages/gateway-client/src/device-auth.ts,
// src/gateway/server/ws-connection/connect-device-proof.ts):
//   - an Ed25519 key pair; the device id is the hex SHA-256 of the raw 32-byte public key;
//   - `connect` carries device {id, publicKey: raw key base64url, signature: base64url, signedAt, nonce};
//   - the signature covers the UTF-8 string
//       "v3|<deviceId>|<clientId>|<clientMode>|<role>|<scopes comma-joined>|<signedAtMs>|<token>|<nonce>|<platform>|<deviceFamily>"
//     (platform and deviceFamily trimmed and ASCII-lowercased, "" when absent; token is the auth token sent, "" if
//     none); the gateway also accepts the older "v2|…|<nonce>" form without the last two fields;
//   - `nonce` is the one from the `connect.challenge` event, `signedAt` within ±2 minutes of the gateway's clock
//     (OpenClaw's own client signs with the challenge's `ts`).
// A new device is held for approval on the gateway (`NOT_PAIRED` / details.code `PAIRING_REQUIRED`); the operator
// approves it there with `openclaw devices list` then `openclaw devices approve <requestId>`; hello-ok may then carry
// `auth.deviceToken`, which later connects can present.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface DeviceIdentity {
  /** hex SHA-256 of the raw public key */
  deviceId: string;
  /** PEM (SPKI) */
  publicKeyPem: string;
  /** PEM (PKCS#8) — a secret: store it encrypted */
  privateKeyPem: string;
}

export interface DeviceAuthFields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  token?: string | null;
  nonce: string;
  platform?: string;
  deviceFamily?: string;
}

/** What goes into `connect.params.device`. */
export interface DeviceConnectProof {
  id: string;
  publicKey: string;
  signature: string;
  signedAt: number;
  nonce: string;
}

function lowerAscii(v: string | undefined): string {
  return (v ?? '').trim().replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** The raw 32-byte public key as base64url (the wire form of `device.publicKey`). */
export function publicKeyRawBase64Url(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ format: 'der', type: 'spki' });
  if (der.length !== SPKI_PREFIX.length + 32 || !der.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX)) {
    throw new Error('not an Ed25519 public key');
  }
  return der.subarray(SPKI_PREFIX.length).toString('base64url');
}

/** The device id OpenClaw derives from a public key. */
export function deriveDeviceId(publicKeyPem: string): string {
  return createHash('sha256').update(Buffer.from(publicKeyRawBase64Url(publicKeyPem), 'base64url')).digest('hex');
}

export function generateDeviceIdentity(): DeviceIdentity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return { deviceId: deriveDeviceId(publicKeyPem), publicKeyPem, privateKeyPem };
}

/** A JSON string to store (encrypted) and read back with parseDeviceIdentity. */
export function serializeDeviceIdentity(identity: DeviceIdentity): string {
  return JSON.stringify({ version: 1, ...identity });
}

/** Reads a stored identity and checks that it is coherent (Ed25519, id matches the key, keys belong together). */
export function parseDeviceIdentity(text: string): DeviceIdentity {
  const v = JSON.parse(text) as Partial<DeviceIdentity> & { version?: number };
  if (v.version !== 1 || typeof v.publicKeyPem !== 'string' || typeof v.privateKeyPem !== 'string') {
    throw new Error('not a stored device identity');
  }
  const priv = createPrivateKey(v.privateKeyPem);
  if (priv.asymmetricKeyType !== 'ed25519') throw new Error('device identity is not an Ed25519 key');
  const derivedPub = createPublicKey(priv).export({ format: 'pem', type: 'spki' }).toString();
  if (publicKeyRawBase64Url(derivedPub) !== publicKeyRawBase64Url(v.publicKeyPem)) {
    throw new Error('device identity keys do not belong together');
  }
  const deviceId = deriveDeviceId(v.publicKeyPem);
  if (v.deviceId !== deviceId) throw new Error('device identity id does not match its key');
  return { deviceId, publicKeyPem: v.publicKeyPem, privateKeyPem: v.privateKeyPem };
}

/** The exact string the gateway verifies (payload version v3). */
export function buildDeviceAuthPayload(f: DeviceAuthFields): string {
  return [
    'v3',
    f.deviceId,
    f.clientId,
    f.clientMode,
    f.role,
    f.scopes.join(','),
    String(f.signedAtMs),
    f.token ?? '',
    f.nonce,
    lowerAscii(f.platform),
    lowerAscii(f.deviceFamily),
  ].join('|');
}

/** Signs the connect fields with the identity's private key and returns `connect.params.device`. */
export function signDeviceConnect(identity: DeviceIdentity, f: Omit<DeviceAuthFields, 'deviceId'>): DeviceConnectProof {
  const payload = buildDeviceAuthPayload({ ...f, deviceId: identity.deviceId });
  const signature = sign(null, Buffer.from(payload, 'utf8'), createPrivateKey(identity.privateKeyPem)).toString('base64url');
  return {
    id: identity.deviceId,
    publicKey: publicKeyRawBase64Url(identity.publicKeyPem),
    signature,
    signedAt: f.signedAtMs,
    nonce: f.nonce,
  };
}

/** Verifies a proof the way the gateway does (id derived from the key, signature over the v3 string). */
export function verifyDeviceConnect(proof: DeviceConnectProof, f: Omit<DeviceAuthFields, 'deviceId' | 'signedAtMs' | 'nonce'>): boolean {
  const raw = Buffer.from(proof.publicKey, 'base64url');
  if (raw.length !== 32) return false;
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  if (createHash('sha256').update(raw).digest('hex') !== proof.id) return false;
  const payload = buildDeviceAuthPayload({ ...f, deviceId: proof.id, signedAtMs: proof.signedAt, nonce: proof.nonce });
  return verify(null, Buffer.from(payload, 'utf8'), key, Buffer.from(proof.signature, 'base64url'));
}
