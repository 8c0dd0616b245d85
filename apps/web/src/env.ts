// The only reader of process.env in the app: validated once, with defaults and reasons in one place.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Embedded database (and, later, the wiki repos) live here. */
  MC_DATA_DIR: z.string().default('./data'),
  /** PostgreSQL server; when set the embedded database is not used. */
  DATABASE_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  MC_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** PostgreSQL: how long a request waits for a connection while the server is unreachable before it answers 503. */
  MC_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  MC_INIT_ADMIN_EMAIL: z.string().email().optional(),
  MC_INIT_ADMIN_PASSWORD: z.string().min(10).optional(),
  MC_INIT_ADMIN_NAME: z.string().min(1).max(100).optional(),
  MC_INIT_ADMIN_API_KEY: z.string().min(20).max(200).optional(),
  MC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  MC_RATE_LIMIT_ANON_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  MC_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  /** Trust X-Forwarded-For / -Proto / -Host (only behind a reverse proxy you control). */
  MC_TRUST_PROXY: flag,
  /** Force the Secure flag on the session cookie (default: when the request is https). */
  MC_COOKIE_SECURE: z.enum(['0', '1']).optional(),
  /** Public base URL for links the server writes (set-password links), e.g. https://mc.example.com */
  MC_PUBLIC_URL: z.string().url().optional(),
  MC_WEBHOOK_ALLOW_PRIVATE: flag,
  MC_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).optional(),
  /** A running execution without a report for this long is marked failed (abandoned). */
  MC_EXECUTION_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(10080).default(360),
  MC_WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /**
   * The key that seals secrets at rest (gateway tokens; docs/adr/0019-secrets-at-rest.md): 32 random bytes as 64 hex
   * or 44 base64 characters. Required with DATABASE_URL for gateways (the same on every process); on the embedded
   * database a key file in MC_DATA_DIR stands in when it is unset. Checked at start (packages/core shared/secrets.ts).
   */
  MC_SECRET_KEY: z.string().optional(),
  /** Older keys (comma-separated) that still open values sealed before a rotation. */
  MC_SECRET_KEY_PREVIOUS: z.string().optional(),
  /** Hosts and CIDRs where workspace admins may register gateways on private/loopback addresses (comma-separated). */
  MC_GATEWAY_ALLOWED_HOSTS: z.string().optional(),
});

export type AppEnv = z.infer<typeof EnvSchema> & { dataDir: string; dbDir: string };

export interface LoadEnvOptions {
  /**
   * Where earlier versions kept the embedded database when MC_DATA_DIR was not set (`apps/web/data`: the run
   * command started the server inside apps/web). Used, with a notice, when it holds a database and `./data` does
   * not exist, so an upgrade does not look like an empty instance.
   */
  legacyDataDir?: string;
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env, opts: LoadEnvOptions = {}): AppEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid environment:\n${lines}\nSee .env.example for every variable.`);
  }
  const e = parsed.data;
  if (!!e.MC_INIT_ADMIN_EMAIL !== !!e.MC_INIT_ADMIN_PASSWORD) {
    throw new Error('invalid environment: set MC_INIT_ADMIN_EMAIL and MC_INIT_ADMIN_PASSWORD together');
  }
  // A relative MC_DATA_DIR is relative to the folder the command was run from (the process's working directory).
  let dataDir = path.resolve(e.MC_DATA_DIR);
  const legacy = opts.legacyDataDir && path.resolve(opts.legacyDataDir);
  if (source.MC_DATA_DIR === undefined && legacy && legacy !== dataDir && !existsSync(dataDir) && existsSync(path.join(legacy, 'db'))) {
    console.warn(`[mc] using the embedded database in ${legacy}, where earlier versions kept it; move that folder to ${dataDir} or set MC_DATA_DIR`);
    dataDir = legacy;
  }
  return { ...e, dataDir, dbDir: path.join(dataDir, 'db') };
}
