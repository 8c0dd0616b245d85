// Test harness: the real REST app on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL), called
// in-process through Hono's request(). Nothing is mocked; seed helpers go through the domain's own use cases.
import { createApiApp, type ApiDeps } from '@mc/api';
import {
  bootstrapInstance,
  createApiKey,
  createUser,
  DEFAULT_CORE_CONFIG,
  KeyUsageTracker,
  LIVE_CHANNEL,
  LiveBus,
  randomSecretKeyring,
  RateLimiter,
  systemClock,
  watchedCredentialCache,
  type Clock,
  type CoreConfig,
  type Ctx,
  type Principal,
} from '@mc/core';
import { openDatabase } from '@mc/db';
import { createTestDatabase, type TestDatabase } from '@mc/db/testing';

export interface CallOptions {
  key?: string;
  body?: unknown;
  /** Raw body text (malformed JSON tests); wins over `body`. */
  raw?: string;
  headers?: Record<string, string>;
  cookie?: string;
}

export interface CallResult {
  status: number;
  body: any;
  headers: Headers;
}

export interface Harness {
  database: TestDatabase;
  deps: ApiDeps;
  app: ReturnType<typeof createApiApp>;
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  /** The instance admin created at start, with a user key. */
  admin: { id: string; email: string; key: string };
  /** A user (not an admin) with a user key. */
  newUser(name?: string): Promise<{ id: string; email: string; key: string; password: string }>;
  ctxFor(principal: Principal): Ctx;
  close(): Promise<void>;
}

let seq = 0;
export const uniq = (p = 'x') => `${p}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

export interface HarnessOptions {
  clock?: Clock;
  limits?: Partial<ApiDeps['limits']>;
  trustProxy?: boolean;
  /** Overrides of the core config (e.g. `allowPrivateNetwork: true` to let key callbacks reach 127.0.0.1). */
  config?: Partial<CoreConfig>;
  /**
   * PostgreSQL only: open the app on another URL for its fresh test database (given the fixture's URL), e.g. through
   * a proxy that a test cuts. The app gets its own pool and LISTEN connection there, as a server process would;
   * `connectTimeoutMs` is their connect timeout.
   */
  connectVia?: { url: (fixtureUrl: string) => string; connectTimeoutMs?: number };
  /** Which database (default: TEST_DATABASE_URL or PGlite); see createTestDatabase. Real-gateway files open both. */
  postgresUrl?: string | null;
}

/** The app on a fresh, empty database: no users yet (first-run setup tests). */
export type BareHarness = Pick<Harness, 'database' | 'deps' | 'app' | 'call' | 'close'>;

export async function createBareHarness(opts: HarnessOptions = {}): Promise<BareHarness> {
  const fixture = await createTestDatabase({ postgresUrl: opts.postgresUrl });
  let database: TestDatabase = fixture;
  if (opts.connectVia) {
    if (!fixture.url) throw new Error('connectVia needs PostgreSQL (TEST_DATABASE_URL)');
    const url = opts.connectVia.url(fixture.url);
    const viaDb = await openDatabase({ databaseUrl: url, migrate: false, connectTimeoutMs: opts.connectVia.connectTimeoutMs });
    database = {
      ...viaDb,
      url,
      async close() {
        await viaDb.close();
        await fixture.close();
      },
    };
  }
  const clock = opts.clock ?? systemClock;
  // As the server does: principals cached per process, forgotten on the database's announcements.
  const credentials = await watchedCredentialCache(database);
  const deps: ApiDeps = {
    db: database.db,
    databaseKind: database.kind,
    clock,
    config: { ...DEFAULT_CORE_CONFIG, secrets: randomSecretKeyring(), ...opts.config },
    rateLimiter: new RateLimiter(database.db, clock),
    keyUsage: new KeyUsageTracker(database.db, 50),
    credentials: credentials.cache,
    live: new LiveBus(),
    liveState: () => database.listenState(),
    limits: { perKeyPerMinute: 100_000, anonPerMinute: 100_000, maxBodyBytes: 64 * 1024, ...opts.limits },
    trustProxy: opts.trustProxy ?? true,
    version: 'test',
  };
  const app = createApiApp(deps);
  // Feed the live bus the way the server does: one LISTEN per process.
  const unlisten = await database.listen(LIVE_CHANNEL, (payload) => deps.live.receive(payload));
  const unsubscribeReconnect = database.onListenReconnect(() => deps.live.resync());

  const call = async (method: string, path: string, o: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.key) headers.authorization = `Bearer ${o.key}`;
    if (o.cookie) headers.cookie = o.cookie;
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const res = await app.app.request(`http://mc.test${path}`, { method, headers, body });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  };

  return {
    database,
    deps,
    app,
    call,
    async close() {
      // Write pending key usage while the database is still open (the tracker's timer would fire after close).
      await deps.keyUsage.flush();
      await unlisten();
      unsubscribeReconnect();
      await credentials.close();
      await deps.rateLimiter.close();
      await database.close();
    },
  };
}

export async function createHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const bare = await createBareHarness(opts);
  const { database, deps, app, call } = bare;
  const clock = deps.clock;
  const ctxFor = (principal: Principal): Ctx => ({ db: database.db, clock, principal, requestId: null, config: deps.config });

  const system = ctxFor({ kind: 'system', name: 'test' });
  const adminEmail = `${uniq('admin')}@example.com`;
  const adminKey = `mc_usr_${uniq('adminkey')}-0123456789abcdef`;
  await bootstrapInstance(system, { email: adminEmail, password: 'admin-password-1', name: 'Ada Admin', apiKey: adminKey });
  const [adminRow] = (await database.db.query.users.findMany({ where: (u, { eq }) => eq(u.email, adminEmail) })) as { id: string }[];
  const adminPrincipal: Principal = {
    kind: 'user',
    userId: adminRow.id,
    name: 'Ada Admin',
    email: adminEmail,
    isInstanceAdmin: true,
    via: 'api_key',
    credentialId: 'seed',
  };

  const newUser = async (name = 'User') => {
    const email = `${uniq(name.toLowerCase().replace(/\W+/g, ''))}@example.com`;
    const password = 'user-password-1';
    const user = await createUser(ctxFor(adminPrincipal), { email, name, password }, 'http://mc.test');
    const key = await createApiKey(
      ctxFor({ kind: 'user', userId: user.id, name, email, isInstanceAdmin: false, via: 'api_key', credentialId: 'seed' }),
      { name: 'test key' },
    );
    return { id: user.id, email, key: key.key, password };
  };

  return {
    database,
    deps,
    app,
    call,
    admin: { id: adminRow.id, email: adminEmail, key: adminKey },
    newUser,
    ctxFor,
    close: bare.close,
  };
}

/** Assert-friendly view of an error envelope. */
export function errorOf(r: CallResult) {
  return r.body?.error as { code: string; message: string; requestId: string; details?: any } | undefined;
}
