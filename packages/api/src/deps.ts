import type { Clock, CoreConfig, CredentialCache, DatabaseKind, Db, KeyUsageTracker, ListenState, LiveBus, RateLimiter } from '@mc/core';

/** What the REST app needs from its process; built once by the composition root (apps/web/src/context.ts). */
export interface ApiDeps {
  db: Db;
  databaseKind: DatabaseKind;
  clock: Clock;
  config: CoreConfig;
  rateLimiter: RateLimiter;
  keyUsage: KeyUsageTracker;
  /**
   * The principals behind keys and sessions this process has resolved, forgotten when the database announces a
   * change (`watchedCredentialCache`): a request with a known key needs no statement to authenticate.
   */
  credentials: CredentialCache;
  /** This process's live events (fed by LISTEN): long-polls and the dashboard's event stream wait on it. */
  live: LiveBus;
  /** State of the connection that feeds `live` (health reports `degraded` while it reconnects); default: up. */
  liveState?: () => ListenState;
  limits: {
    /** Requests per minute per API key or session (MC_RATE_LIMIT_PER_MINUTE, default 1200). */
    perKeyPerMinute: number;
    /** Requests per minute per IP without a key (MC_RATE_LIMIT_ANON_PER_MINUTE, default 60). */
    anonPerMinute: number;
    /** Largest request body accepted (MC_MAX_BODY_BYTES, default 1 MiB). */
    maxBodyBytes: number;
  };
  /** Use the first X-Forwarded-For address as the client IP (only behind a trusted proxy). */
  trustProxy: boolean;
  /** Mark the session cookie Secure (default: when the request came over https). */
  secureCookies?: boolean;
  version: string;
}
