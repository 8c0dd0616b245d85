import type { Db } from '@mc/db';
import type { Clock } from './shared/clock';
import type { HostRule } from './shared/host-rule';
import type { SecretKeyring } from './shared/secrets';

/** Who is calling. Every use case receives one; there is no ambient "current user". */
export type Principal =
  | {
      kind: 'user';
      userId: string;
      name: string;
      email: string;
      isInstanceAdmin: boolean;
      /** How the caller proved who they are: a dashboard session or a personal API key. */
      via: 'session' | 'api_key';
      /** Session or API key id (rate-limit bucket, audit). */
      credentialId: string;
    }
  | {
      kind: 'agent';
      agentId: string;
      /** The one workspace an agent acts in. */
      workspaceId: string;
      name: string;
      /** What the agent declared it can do; the poll only offers tickets whose requirements it covers. */
      capabilities: string[];
      /** Agent key id (rate-limit bucket, audit). */
      credentialId: string;
      /**
       * Whether its workspace was archived when the key was looked up (the same statement, this request), so that a
       * list's answer needs no second lookup for it (`standingsIn`). Unset: not known, look it up.
       */
      workspaceArchived?: boolean;
      /**
       * Set when the caller presented a run token (ADR 0023) instead of the agent's key: it acts as the agent, only
       * on this execution and ticket (run-tokens.rules.ts), and only while the execution runs.
       */
      run?: { executionId: string; ticketId: string | null };
    }
  | { kind: 'system'; name: string }
  | { kind: 'anonymous' };

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;
export type AgentPrincipal = Extract<Principal, { kind: 'agent' }>;

export interface CoreConfig {
  /** Base URL the instance is reached at, for links such as set-password (default derived from the request). */
  publicUrl: string | null;
  /** Lifetime of a dashboard session. */
  sessionTtlMs: number;
  /** Let outbound calls (agent key callbacks, webhooks) reach loopback and private addresses. */
  allowPrivateNetwork: boolean;
  /**
   * The keyring that seals secrets at rest (gateway tokens; ADR 0019): MC_SECRET_KEY, or the embedded database's
   * key file. null: none configured (DATABASE_URL without MC_SECRET_KEY): what needs it answers 503.
   */
  secrets: SecretKeyring | null;
  /** MC_GATEWAY_ALLOWED_HOSTS: hosts and CIDRs where workspace admins may register gateways on internal addresses. */
  gatewayAllowedHosts: readonly HostRule[];
}

export const DEFAULT_CORE_CONFIG: CoreConfig = {
  publicUrl: null,
  sessionTtlMs: 14 * 24 * 3600 * 1000,
  allowPrivateNetwork: false,
  secrets: null,
  gatewayAllowedHosts: [],
};

/** Everything a use case may touch: the database (or a transaction), time, the caller and the request. */
export interface Ctx {
  db: Db;
  clock: Clock;
  principal: Principal;
  requestId: string | null;
  config: CoreConfig;
}

/** Run `fn` in one transaction; the context it receives writes through that transaction. */
export async function inTransaction<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  return ctx.db.transaction(async (tx) => fn({ ...ctx, db: tx as unknown as Db }));
}

export function asSystem(ctx: Ctx, name = 'system'): Ctx {
  return { ...ctx, principal: { kind: 'system', name } };
}
