import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A prefixed, time-ordered id (`wsp_01JD…`): 48 bits of milliseconds then 80 random bits, Crockford base32
 * (the ULID layout). Time order keeps index inserts local and gives lists a stable tie-breaker.
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[bytes[i] % 32];
  return `${prefix}_${time}${rand}`;
}

export const ID_PREFIX = {
  user: 'usr',
  session: 'ses',
  apiKey: 'key',
  userToken: 'tok',
  workspace: 'wsp',
  activity: 'act',
  webhook: 'whk',
  webhookDelivery: 'whd',
  webhookAttempt: 'wha',
} as const;
