// The hot path of every authenticated request: one indexed lookup by hash, no write.
import { apiKeys, sessions, users, type Db } from '@mc/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { UserPrincipal } from '../context';
import { sha256 } from '../shared/crypto';

function keyLookup(db: Db) {
  return db
    .select({
      keyId: apiKeys.id,
      expiresAt: apiKeys.expiresAt,
      userId: users.id,
      name: users.name,
      email: users.email,
      isInstanceAdmin: users.isInstanceAdmin,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, sql.placeholder('hash')), isNull(apiKeys.revokedAt), isNull(users.disabledAt)))
    .limit(1)
    .prepare('mc_resolve_api_key');
}

function sessionLookup(db: Db) {
  return db
    .select({
      sessionId: sessions.id,
      expiresAt: sessions.expiresAt,
      userId: users.id,
      name: users.name,
      email: users.email,
      isInstanceAdmin: users.isInstanceAdmin,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sql.placeholder('hash')), isNull(users.disabledAt)))
    .limit(1)
    .prepare('mc_resolve_session');
}

const prepared = new WeakMap<Db, { key: ReturnType<typeof keyLookup>; session: ReturnType<typeof sessionLookup> }>();
function statements(db: Db) {
  let s = prepared.get(db);
  if (!s) {
    s = { key: keyLookup(db), session: sessionLookup(db) };
    prepared.set(db, s);
  }
  return s;
}

/** The user behind a personal API key, or null when the key is unknown, revoked, expired or its user disabled. */
export async function resolveApiKey(db: Db, key: string, now: Date): Promise<UserPrincipal | null> {
  const [row] = await statements(db).key.execute({ hash: sha256(key) });
  if (!row || (row.expiresAt && row.expiresAt <= now)) return null;
  return {
    kind: 'user',
    userId: row.userId,
    name: row.name,
    email: row.email,
    isInstanceAdmin: row.isInstanceAdmin,
    via: 'api_key',
    credentialId: row.keyId,
  };
}

export async function resolveSession(db: Db, token: string, now: Date): Promise<UserPrincipal | null> {
  const [row] = await statements(db).session.execute({ hash: sha256(token) });
  if (!row || row.expiresAt <= now) return null;
  return {
    kind: 'user',
    userId: row.userId,
    name: row.name,
    email: row.email,
    isInstanceAdmin: row.isInstanceAdmin,
    via: 'session',
    credentialId: row.sessionId,
  };
}

/**
 * Remembers which keys were used and writes `lastUsedAt` in one statement every few seconds, so that
 * authentication stays a read. Precision of `lastUsedAt` is therefore the flush interval.
 */
export class KeyUsageTracker {
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private db: Db,
    private intervalMs: number,
  ) {}

  touch(keyId: string, at: Date) {
    this.pending.set(keyId, at);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending.clear();
    const values = sql.join(
      batch.map(([id, t]) => sql`(${id}, ${t.toISOString()}::timestamptz)`),
      sql`, `,
    );
    try {
      await this.db.execute(sql`
        UPDATE api_keys AS k SET last_used_at = u.t
        FROM (VALUES ${values}) AS u(id, t)
        WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.t)`);
    } catch (err) {
      console.error('[auth] could not record key usage:', (err as Error).message);
    }
  }
}
