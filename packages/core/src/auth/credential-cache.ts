// The principals behind the keys and sessions this process has resolved, so that a request with a key it has seen
// needs no statement to authenticate (docs/adr/0022-credential-cache.md). Correct across processes because the
// database announces every change to what a principal is made of (migration 0020: statement-level triggers that
// `pg_notify('mc_credentials', …)` from the writing transaction, delivered on commit) and every process listening
// forgets everything it holds when one arrives; the process that made the change forgets at once (the routes that
// change credentials say so: `changesCredentials`), before it answers.
import type { Database, Db } from '@mc/db';
import type { AgentPrincipal, UserPrincipal } from '../context';
import { sha256 } from '../shared/crypto';
import { credentialValid, lookupKey, lookupSession, type ResolvedCredential } from './resolve-credentials';

/** The channel the triggers of migration 0020 announce credential changes on. */
export const CREDENTIALS_CHANNEL = 'mc_credentials';

/** Principals kept per process; the oldest is forgotten beyond this. */
export const CREDENTIAL_CACHE_MAX_ENTRIES = 10_000;

/**
 * Longest time a principal is used without looking at the database again: a bound on how long a change can go
 * unnoticed if its announcement were lost without the LISTEN connection noticing (it checks itself every 15 s and is
 * bypassed from then until it is back). Announcements normally arrive within milliseconds.
 */
export const CREDENTIAL_CACHE_MAX_AGE_MS = 30_000;

interface Entry {
  credential: ResolvedCredential;
  /** `performance.now()` when it was read from the database. */
  at: number;
}

export interface CredentialCacheOptions {
  /**
   * Whether announcements arrive now (the LISTEN connection is up). While not, the cache is neither read nor filled:
   * a change made meanwhile would go unannounced.
   */
  usable?: () => boolean;
  maxEntries?: number;
  maxAgeMs?: number;
}

export class CredentialCache {
  private entries = new Map<string, Entry>();
  /** Bumped by every `clear()`: a lookup that started before a clear does not store what it read. */
  private generation = 0;
  private readonly usable: () => boolean;
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private clearedListeners = new Set<() => void>();

  constructor(opts: CredentialCacheOptions = {}) {
    this.usable = opts.usable ?? (() => true);
    this.maxEntries = opts.maxEntries ?? CREDENTIAL_CACHE_MAX_ENTRIES;
    this.maxAgeMs = opts.maxAgeMs ?? CREDENTIAL_CACHE_MAX_AGE_MS;
  }

  /** `resolveKey`, answered from the cache when this process has resolved the key since the last change. */
  resolveKey(db: Db, key: string, now: Date): Promise<UserPrincipal | AgentPrincipal | null> {
    const hash = sha256(key);
    return this.resolve(`k:${hash}`, now, () => lookupKey(db, key, hash, now));
  }

  /** `resolveSession`, answered from the cache likewise. */
  resolveSession(db: Db, token: string, now: Date): Promise<UserPrincipal | null> {
    const hash = sha256(token);
    return this.resolve(`s:${hash}`, now, () => lookupSession(db, hash)) as Promise<UserPrincipal | null>;
  }

  private async resolve(id: string, now: Date, lookup: () => Promise<ResolvedCredential | null>): Promise<UserPrincipal | AgentPrincipal | null> {
    const usable = this.usable();
    if (usable) {
      const hit = this.entries.get(id);
      if (hit && performance.now() - hit.at < this.maxAgeMs && credentialValid(hit.credential, now)) return hit.credential.principal;
      if (hit) this.entries.delete(id);
    }
    const generation = this.generation;
    const found = await lookup();
    if (!found || !credentialValid(found, now)) return null;
    // Only what was read after the last change is kept: a change announced while this lookup ran may have been
    // read before it committed.
    if (usable && this.usable() && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(id, { credential: found, at: performance.now() });
    }
    return found.principal;
  }

  /** Forget every principal (a credential changed, or announcements may have been missed). */
  clear(): void {
    this.generation++;
    this.entries.clear();
    for (const fn of [...this.clearedListeners]) fn();
  }

  /** Called after each `clear()` (tests wait for an announcement with it); returns an unsubscribe function. */
  onCleared(fn: () => void): () => void {
    this.clearedListeners.add(fn);
    return () => this.clearedListeners.delete(fn);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * A cache fed by `database`'s announcements: cleared on each, and whenever the LISTEN connection comes back after a
 * loss (announcements in between are lost); not used while the connection is down. `close()` stops listening.
 */
export async function watchedCredentialCache(
  database: Pick<Database, 'listen' | 'onListenReconnect' | 'listenState'>,
  opts: Omit<CredentialCacheOptions, 'usable'> = {},
): Promise<{ cache: CredentialCache; close(): Promise<void> }> {
  const cache = new CredentialCache({ ...opts, usable: () => database.listenState() === 'up' });
  const unlisten = await database.listen(CREDENTIALS_CHANNEL, () => cache.clear());
  const unsubscribe = database.onListenReconnect(() => cache.clear());
  return {
    cache,
    async close() {
      unsubscribe();
      await unlisten();
      cache.clear();
    },
  };
}
