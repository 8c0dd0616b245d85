// Standard Webhooks signatures (https://www.standardwebhooks.com): the signed content is
// `{webhook-id}.{webhook-timestamp}.{body}`, the key is the base64-decoded part of the secret after `whsec_`, and
// `webhook-signature` carries `v1,<base64 HMAC-SHA256>`, several of them space-separated while a rotated secret
// is still in its grace period.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

function keyOf(secret: string): Buffer {
  const raw = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  return Buffer.from(raw, 'base64');
}

/** One `v1,<base64>` signature. */
export function signPayload(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three headers of a delivery attempt, signed with every secret given (current first). */
export function webhookHeaders(secrets: readonly string[], id: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signPayload(s, id, timestampSeconds, body)).join(' '),
  };
}

/** Check a `webhook-signature` header against one secret (any of its signatures may match). Tolerance in seconds. */
export function verifySignature(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  opts: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts)) return false;
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - ts) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signPayload(secret, headers.id, ts, body).slice(3), 'base64');
  return headers.signature.split(' ').some((part) => {
    const [version, value] = part.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const got = Buffer.from(value, 'base64');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}

/**
 * The secret that signs notifications pushed to an agent's own endpoint: derived from the agent's API key, so
 * the agent needs nothing besides its key to verify them (`whsec_` + base64 of SHA-256 of the key). During a key
 * rotation grace every key that still works signs. `keyHashHex` is the stored SHA-256 (hex) of the key.
 */
export function agentSigningSecret(keyHashHex: string): string {
  return `${WEBHOOK_SECRET_PREFIX}${Buffer.from(keyHashHex, 'hex').toString('base64')}`;
}

/** The same secret computed from the key itself (what an agent does). */
export function agentSigningSecretFromKey(apiKey: string): string {
  return `${WEBHOOK_SECRET_PREFIX}${createHash('sha256').update(apiKey).digest('base64')}`;
}
