// The hot path of every authenticated request: one indexed lookup by hash, no write.
import { apiKeys, driverDate, OutageLog, sessions, users, type Db } from '@mc/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AgentPrincipal, UserPrincipal } from '../context';
import { unauthenticated } from '../errors';
import { AGENT_KEY_PREFIX, RUN_TOKEN_PREFIX } from './auth.rules';
import { resolveRunToken } from './run-tokens';
import { sha256 } from '../shared/crypto';
import { statement } from '../shared/statement';

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

/**
 * Every request of every agent starts here, so the lookup is a hand-written statement, prepared on both databases
 * (`statement` → `queryRaw`): on the embedded database a Drizzle query is planned again on every call, about a
 * third of an agent request's database time (bench/README.md, claim bench). It also says whether the agent's
 * workspace is archived (one primary-key probe in the same statement), which lists would otherwise look up again.
 */
const AGENT_KEY_LOOKUP = statement<'hash'>(
  'mc_resolve_agent_key',
  `SELECT k.id AS key_id, k.expires_at, a.id AS agent_id, a.workspace_id, a.name, a.status, a.capabilities,
    (SELECT w.archived_at IS NOT NULL FROM workspaces w WHERE w.id = a.workspace_id) AS workspace_archived
  FROM agent_keys k JOIN agents a ON a.id = k.agent_id
  WHERE k.key_hash = :hash AND k.revoked_at IS NULL
  LIMIT 1`,
);

const prepared = new WeakMap<
  Db,
  { key: ReturnType<typeof keyLookup>; session: ReturnType<typeof sessionLookup> }
>();
function statements(db: Db) {
  let s = prepared.get(db);
  if (!s) {
    s = { key: keyLookup(db), session: sessionLookup(db) };
    prepared.set(db, s);
  }
  return s;
}

/** What a key or session resolves to: who, and when the credential itself stops working (null: never). */
export interface ResolvedCredential<P extends UserPrincipal | AgentPrincipal = UserPrincipal | AgentPrincipal> {
  principal: P;
  expiresAt: Date | null;
}

/** Whether a resolved credential still works at `now` (a key past its expiry or grace, a session past its end). */
export const credentialValid = (c: ResolvedCredential, now: Date) => c.expiresAt === null || c.expiresAt > now;

/**
 * Who holds `key`: an agent (`mc_agt_…`, only while the agent is active and the key not past its grace; or a run
 * token `mc_run_…` of one of its gateway runs, scoped to that run: ADR 0023) or a user. The prefix picks the one
 * table to look in, so authentication is one indexed lookup either way.
 */
export async function resolveKey(db: Db, key: string, now: Date): Promise<UserPrincipal | AgentPrincipal | null> {
  // A run token is checked against its run each time (never cached: it ends with its execution, ADR 0023).
  if (key.startsWith(RUN_TOKEN_PREFIX)) return resolveRunToken(db, key, now);
  const found = await lookupKey(db, key, sha256(key), now);
  return found && credentialValid(found, now) ? found.principal : null;
}

/**
 * The credential behind `key` (its SHA-256 is `hash`), whatever its expiry: null when it is unknown or revoked, or
 * its agent is not active (a deactivated agent's unexpired key throws, see `lookupAgentKey`) or its user disabled.
 */
export function lookupKey(db: Db, key: string, hash: string, now: Date): Promise<ResolvedCredential | null> {
  return key.startsWith(AGENT_KEY_PREFIX) ? lookupAgentKey(db, hash, now) : lookupApiKey(db, hash);
}

export const AGENT_DEACTIVATED_MESSAGE = 'this agent is deactivated: its key works again when a workspace admin reactivates it';

/**
 * The agent behind an agent key, or null when the key is unknown, revoked or past its grace, or its agent is not
 * active. A valid key of a deactivated agent is 401 saying so (`details.reason: "agent_deactivated"`).
 */
export async function resolveAgentKey(db: Db, key: string, now: Date): Promise<AgentPrincipal | null> {
  const found = await lookupAgentKey(db, sha256(key), now);
  return found && credentialValid(found, now) ? found.principal : null;
}

/**
 * The agent key whose SHA-256 is `hash`, or null when it is unknown or revoked or its agent is not active. A
 * deactivated agent's key throws 401 saying so, unless the key is past its grace at `now` — then it is as unknown
 * as any expired key.
 */
export async function lookupAgentKey(db: Db, hash: string, now: Date): Promise<ResolvedCredential<AgentPrincipal> | null> {
  const [row] = await AGENT_KEY_LOOKUP.run<{
    key_id: string;
    expires_at: Date | string | null;
    agent_id: string;
    workspace_id: string;
    name: string;
    status: string;
    capabilities: string[];
    workspace_archived: boolean | null;
  }>(db, { hash });
  if (!row) return null;
  const expiresAt = row.expires_at ? driverDate(row.expires_at) : null;
  if (row.status === 'deactivated') {
    // Only the holder of a real, unexpired key learns this (an unknown key stays "invalid"): it can stop retrying
    // and ask a person, instead of thinking its key broke.
    if (expiresAt && expiresAt <= now) return null;
    throw unauthenticated(AGENT_DEACTIVATED_MESSAGE, { reason: 'agent_deactivated' });
  }
  if (row.status !== 'active') return null;
  return {
    principal: {
      kind: 'agent',
      agentId: row.agent_id,
      workspaceId: row.workspace_id,
      name: row.name,
      capabilities: row.capabilities,
      credentialId: row.key_id,
      ...(row.workspace_archived !== null ? { workspaceArchived: row.workspace_archived } : {}),
    },
    expiresAt,
  };
}

/** The user behind a personal API key, or null when the key is unknown, revoked, expired or its user disabled. */
export async function resolveApiKey(db: Db, key: string, now: Date): Promise<UserPrincipal | null> {
  const found = await lookupApiKey(db, sha256(key));
  return found && credentialValid(found, now) ? found.principal : null;
}

/** The personal API key whose SHA-256 is `hash`, or null when it is unknown or revoked or its user disabled. */
export async function lookupApiKey(db: Db, hash: string): Promise<ResolvedCredential<UserPrincipal> | null> {
  const [row] = await statements(db).key.execute({ hash });
  if (!row) return null;
  return {
    principal: {
      kind: 'user',
      userId: row.userId,
      name: row.name,
      email: row.email,
      isInstanceAdmin: row.isInstanceAdmin,
      via: 'api_key',
      credentialId: row.keyId,
    },
    expiresAt: row.expiresAt ?? null,
  };
}

export async function resolveSession(db: Db, token: string, now: Date): Promise<UserPrincipal | null> {
  const found = await lookupSession(db, sha256(token));
  return found && credentialValid(found, now) ? found.principal : null;
}

/** The session whose token's SHA-256 is `hash`, or null when there is none or its user is disabled. */
export async function lookupSession(db: Db, hash: string): Promise<ResolvedCredential<UserPrincipal> | null> {
  const [row] = await statements(db).session.execute({ hash });
  if (!row) return null;
  return {
    principal: {
      kind: 'user',
      userId: row.userId,
      name: row.name,
      email: row.email,
      isInstanceAdmin: row.isInstanceAdmin,
      via: 'session',
      credentialId: row.sessionId,
    },
    expiresAt: row.expiresAt,
  };
}

/**
 * Remembers which keys were used and writes `lastUsedAt` in one statement every few seconds, so that
 * authentication stays a read. Precision of `lastUsedAt` is therefore the flush interval. An agent key's use is
 * also the agent being seen: the flush moves the agent's `last_seen_at` too (which heartbeats set), so that every
 * answer about an agent reads its liveness from that one column (agents.rules.ts `livenessOf`).
 */
export class KeyUsageTracker {
  /** key id → time; agent key ids and user key ids share the map (ids are unique across both). */
  private pending = new Map<string, { at: Date; agent: boolean }>();
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private db: Db,
    private intervalMs: number,
  ) {}

  private readonly log = new OutageLog('[auth] recording key usage');

  touch(keyId: string, at: Date, agent = false) {
    this.pending.set(keyId, { at, agent });
    this.armTimer();
  }

  private armTimer() {
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  private inflight: Promise<void> = Promise.resolve();

  /**
   * Write what is pending. Flushes run one after another, so when this resolves every use recorded before the
   * call is in the database (a timer's flush that took the batch first is awaited, not skipped).
   */
  flush(): Promise<void> {
    const run = this.inflight.then(() => this.writePending());
    this.inflight = run.catch(() => {});
    return run;
  }

  private async writePending(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending.clear();
    for (const agent of [false, true]) {
      const part = batch.filter(([, v]) => v.agent === agent);
      if (part.length === 0) continue;
      const values = sql.join(
        part.map(([id, v]) => sql`(${id}, ${v.at.toISOString()}::timestamptz)`),
        sql`, `,
      );
      const table = agent ? sql`agent_keys` : sql`api_keys`;
      try {
        if (agent) {
          // The agents first, in a statement of their own that only reads agent_keys: rotations and deactivations
          // lock the agent row and then its keys, so a flush holding a key row while waiting for the agent row
          // would deadlock with them.
          await this.db.execute(sql`
          UPDATE agents AS a SET last_seen_at = s.t
          FROM (SELECT k.agent_id, max(u.t) AS t FROM (VALUES ${values}) AS u(id, t) JOIN agent_keys k ON k.id = u.id GROUP BY k.agent_id) AS s
          WHERE a.id = s.agent_id AND (a.last_seen_at IS NULL OR a.last_seen_at < s.t)`);
        }
        await this.db.execute(sql`
          UPDATE ${table} AS k SET last_used_at = u.t
          FROM (VALUES ${values}) AS u(id, t)
          WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.t)`);
        this.log.ok();
      } catch (err) {
        // Keep the uses for the next flush (the database may be down), unless the key was used again since.
        for (const [id, v] of part) if (!this.pending.has(id)) this.pending.set(id, v);
        this.log.failed(err, 'kept for the next flush');
        this.armTimer();
      }
    }
  }
}
