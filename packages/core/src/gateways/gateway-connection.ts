// The side of gateways that the connection owner (the OpenClaw client pool, packages/openclaw) uses: the signal that
// something changed, the gateways with their tokens opened, and the writes of live state. A request never waits on a
// gateway: it writes rows and signals; the pool connects, and reports here.
import { gateways } from '@mc/db';
import { eq, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { openSecret, sealSecret, SecretKeyError, sealedKeyId, type SecretKeyring } from '../shared/secrets';
import type { Db } from '@mc/db';
import { checkGatewayUrl, type GatewayAddressPolicy } from './gateway-address';
import type { GatewayRow } from './gateway-access';
import { GATEWAY_LIMITS, gatewaySecretContext, type GatewayState } from './gateways.rules';

/** pg_notify channel: a gateway was created, changed, deleted, or a sync was asked for. Payload: GatewaysChangedSignal (JSON). */
export const GATEWAYS_CHANNEL = 'mc_gateways';

export interface GatewaysChangedSignal {
  gatewayId: string;
  workspaceId: string;
  /** created | updated (url, token or name) | deleted | sync (POST /gateways/{id}/sync) */
  change: 'created' | 'updated' | 'deleted' | 'sync';
  /** For `updated`: the fields that changed (`url` / `token` mean: reconnect). */
  fields?: string[];
}

/** Publish the signal with the caller's transaction: it arrives only if the change commits. */
export async function notifyGatewaysChanged(ctx: Ctx, signal: GatewaysChangedSignal): Promise<void> {
  await ctx.db.execute(sql`SELECT pg_notify(${GATEWAYS_CHANNEL}, ${JSON.stringify(signal)})`);
}

/** A gateway as the connection owner needs it: its address rules and its token in clear (never logged, never answered). */
export interface GatewayForConnection {
  id: string;
  workspaceId: string;
  name: string;
  url: string;
  /** The token, opened; null when it does not open (`openError` says why: the key is missing or wrong). */
  token: string | null;
  /** The device identity (JSON the client wrote with saveGatewayDeviceIdentity), opened; null when none. */
  deviceIdentity: string | null;
  openError: string | null;
  /** Pass to gatewayLookup (socket lookup) and checkGatewayUrl before connecting. */
  addressPolicy: GatewayAddressPolicy;
  /** Why the URL is refused by the address rules now (e.g. MC_GATEWAY_ALLOWED_HOSTS changed), or null. */
  addressRefused: string | null;
  state: GatewayState;
  syncRequestedAt: Date | null;
  lastSyncedAt: Date | null;
  version: number;
}

function forConnection(ctx: Pick<Ctx, 'config'>, g: GatewayRow): GatewayForConnection {
  const addressPolicy: GatewayAddressPolicy = { allowPrivate: g.allowPrivate, allowedHosts: ctx.config.gatewayAllowedHosts };
  let token: string | null = null;
  let deviceIdentity: string | null = null;
  let openError: string | null = null;
  const ring = ctx.config.secrets;
  if (!ring) openError = 'this process has no secret key (MC_SECRET_KEY)';
  else {
    try {
      token = openSecret(ring, g.tokenCiphertext, gatewaySecretContext('token', g.id));
      if (g.deviceIdentityCiphertext) deviceIdentity = openSecret(ring, g.deviceIdentityCiphertext, gatewaySecretContext('device_identity', g.id));
    } catch (err) {
      if (!(err instanceof SecretKeyError)) throw err;
      openError = err.message;
    }
  }
  return {
    id: g.id,
    workspaceId: g.workspaceId,
    name: g.name,
    url: g.url,
    token,
    deviceIdentity,
    openError,
    addressPolicy,
    addressRefused: checkGatewayUrl(g.url, addressPolicy),
    state: g.state as GatewayState,
    syncRequestedAt: g.syncRequestedAt,
    lastSyncedAt: g.lastSyncedAt,
    version: g.version,
  };
}

/** Every gateway of the instance, tokens opened (the pool's view at start and after a resync). Bounded by the instance's gateways. */
export async function listGatewaysForConnection(ctx: Pick<Ctx, 'db' | 'config'>): Promise<GatewayForConnection[]> {
  const rows = await ctx.db.select().from(gateways).orderBy(gateways.id);
  return rows.map((g) => forConnection(ctx, g));
}

/** One gateway by id, tokens opened (after a signal); null when it was deleted. */
export async function loadGatewayForConnection(ctx: Pick<Ctx, 'db' | 'config'>, gatewayId: string): Promise<GatewayForConnection | null> {
  const [g] = await ctx.db.select().from(gateways).where(eq(gateways.id, gatewayId)).limit(1);
  return g ? forConnection(ctx, g) : null;
}

/** What the connection owner reports about a gateway. Fields left out keep their value. */
export interface GatewayStateReport {
  state: GatewayState;
  serverVersion?: string | null;
  protocol?: number | null;
  /** From `agents.list`; sets `last_synced_at` too. */
  agents?: { id: string; name?: string | null }[];
  /** The error that caused this state (recorded with its time), or null to leave the last one as it was. */
  error?: string | null;
}

/**
 * Write a gateway's live state (the connection owner only). `state_changed_at` moves only when the state does; a
 * person's `version` is not touched, so a report never makes an edit stale. Strings are bounded (GATEWAY_LIMITS).
 * Answers false when the gateway no longer exists.
 */
export async function recordGatewayState(ctx: Pick<Ctx, 'db' | 'clock'>, gatewayId: string, report: GatewayStateReport): Promise<boolean> {
  const now = ctx.clock.now();
  const set: Record<string, unknown> = {
    state: report.state,
    stateChangedAt: sql`CASE WHEN ${gateways.state} = ${report.state} THEN ${gateways.stateChangedAt} ELSE ${now.toISOString()}::timestamptz END`,
  };
  if (report.serverVersion !== undefined) set.serverVersion = report.serverVersion?.slice(0, GATEWAY_LIMITS.serverVersionMax) ?? null;
  if (report.protocol !== undefined) set.protocol = report.protocol;
  if (report.agents !== undefined) {
    set.agents = report.agents.slice(0, GATEWAY_LIMITS.hostedAgentsMax).map((a) => ({
      id: String(a.id).slice(0, GATEWAY_LIMITS.hostedAgentIdMax),
      name: String(a.name ?? a.id).slice(0, GATEWAY_LIMITS.hostedAgentNameMax),
    }));
    set.lastSyncedAt = now;
  }
  if (report.error) {
    set.lastError = report.error.slice(0, GATEWAY_LIMITS.lastErrorMax);
    set.lastErrorAt = now;
  }
  const done = await ctx.db.update(gateways).set(set as Partial<typeof gateways.$inferInsert>).where(eq(gateways.id, gatewayId)).returning({ id: gateways.id });
  return done.length > 0;
}

/** Store the device identity the client made for pairing (sealed, bound to this gateway's row). */
export async function saveGatewayDeviceIdentity(ctx: Pick<Ctx, 'db' | 'config'>, gatewayId: string, identity: string): Promise<boolean> {
  const ring = ctx.config.secrets;
  if (!ring) throw new SecretKeyError('no secret key (MC_SECRET_KEY): the device identity cannot be stored');
  const done = await ctx.db
    .update(gateways)
    .set({ deviceIdentityCiphertext: sealSecret(ring, identity, gatewaySecretContext('device_identity', gatewayId)) })
    .where(eq(gateways.id, gatewayId))
    .returning({ id: gateways.id });
  return done.length > 0;
}

/**
 * Startup check (ADR 0019): the sealed values in the database that this process cannot open, by key id. The
 * composition root stops the process when there are any: a process without the key (or with another one) would
 * otherwise run with every gateway broken, or seal new tokens the other processes cannot read.
 */
export async function unopenableSecrets(db: Db, ring: SecretKeyring | null): Promise<{ keyId: string; count: number }[]> {
  const rows = await db
    .select({ keyId: sql<string>`split_part(${gateways.tokenCiphertext}, '.', 2)`, n: sql<string>`count(*)::text` })
    .from(gateways)
    .groupBy(sql`1`);
  return rows.filter((r) => !ring || !ring.keys.has(r.keyId)).map((r) => ({ keyId: r.keyId, count: Number(r.n) }));
}

/**
 * Rotation: re-seal every value not sealed with the current key (those sealed with a previous key of the ring).
 * Safe in several processes (each row is rewritten only while it still holds the value it read). Returns how many.
 */
export async function resealGatewaySecrets(ctx: Pick<Ctx, 'db' | 'config'>): Promise<number> {
  const ring = ctx.config.secrets;
  if (!ring) return 0;
  const rows = await ctx.db.select({ id: gateways.id, token: gateways.tokenCiphertext, device: gateways.deviceIdentityCiphertext }).from(gateways);
  let n = 0;
  for (const r of rows) {
    const stale = (v: string | null) => v !== null && sealedKeyId(v) !== ring.current.id && ring.keys.has(sealedKeyId(v) ?? '');
    if (!stale(r.token) && !stale(r.device)) continue;
    const token = stale(r.token) ? sealSecret(ring, openSecret(ring, r.token, gatewaySecretContext('token', r.id)), gatewaySecretContext('token', r.id)) : r.token;
    const device =
      r.device && stale(r.device) ? sealSecret(ring, openSecret(ring, r.device, gatewaySecretContext('device_identity', r.id)), gatewaySecretContext('device_identity', r.id)) : r.device;
    const done = await ctx.db
      .update(gateways)
      .set({ tokenCiphertext: token, deviceIdentityCiphertext: device })
      .where(sql`${gateways.id} = ${r.id} AND ${gateways.tokenCiphertext} = ${r.token} AND ${gateways.deviceIdentityCiphertext} IS NOT DISTINCT FROM ${r.device}`)
      .returning({ id: gateways.id });
    n += done.length;
  }
  return n;
}
