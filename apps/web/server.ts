// One process, one port: `/api/*` and `/api-docs` go to the REST app (Hono), every other path to the Next.js
// dashboard. With the embedded database, background runners start here too.
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { createApiApp } from '@mc/api';
import { isFreshDataDir, openDatabase } from '@mc/db';
import next from 'next';
import { createRuntime } from './src/context';
import { loadEnv } from './src/env';

const here = path.dirname(fileURLToPath(import.meta.url));
/** apps/web, whether running from source (tsx) or from the bundle in dist/. */
const appDir = existsSync(path.join(here, 'next.config.mjs')) ? here : path.resolve(here, '..');

function readVersion(): string {
  try {
    return JSON.parse(readFileSync(path.join(appDir, 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Create and migrate a fresh embedded database in a short-lived child process: initdb makes PGlite grow to
 * ~800 MB, and that memory would otherwise stay with the server for its whole life (see ARCHITECTURE.md).
 */
async function prepareEmbeddedDatabase(dbDir: string) {
  if (!isFreshDataDir(dbDir)) return;
  console.log(`[mc] creating the embedded database in ${dbDir} …`);
  await new Promise<void>((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--prepare-db'], { stdio: 'inherit', execArgv: process.execArgv });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`database preparation failed (exit ${code})`))));
    child.on('error', reject);
  });
}

async function main() {
  const env = loadEnv(process.env, { legacyDataDir: path.join(appDir, 'data') });
  if (process.argv.includes('--prepare-db')) {
    const database = await openDatabase({ dataDir: env.dbDir });
    await database.close();
    return;
  }
  const dev = process.argv.includes('--dev') || env.NODE_ENV === 'development';
  if (!env.DATABASE_URL) await prepareEmbeddedDatabase(env.dbDir);

  const runtime = await createRuntime(env, readVersion());
  const api = createApiApp(runtime.deps);
  const apiListener = getRequestListener(api.app.fetch);

  const nextApp = next({ dev, dir: appDir, hostname: env.HOST, port: env.PORT });
  await nextApp.prepare();
  const nextHandler = nextApp.getRequestHandler();

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/') || url === '/api' || url.startsWith('/api?') || url.startsWith('/api-docs')) {
      void apiListener(req, res);
    } else {
      void nextHandler(req, res);
    }
  });
  // Long-polls (later) hold requests open; keep-alive sockets beyond them are closed on shutdown.
  server.keepAliveTimeout = 65_000;
  // Node's headersTimeout (60 s) and requestTimeout (300 s) are left as they are: they never apply to a long-poll
  // (a request read to its end is off the list Node checks) nor to a keep-alive socket between requests; a 408 goes
  // only to a new connection whose first request the server has not read within 60 s of accepting it (a server that
  // far behind). A fleet of agents (re)connecting at once (a restart, 5,000 long-polls) must not overflow the
  // accept queue meanwhile: Node's default backlog of 511 resets the connections beyond it; queued ones are not timed
  // (bench/README.md, "408s"). The kernel caps this at net.core.somaxconn.
  server.listen({ port: env.PORT, host: env.HOST, backlog: 4096 }, () => {
    const where = runtime.database.kind === 'pglite' ? `embedded database in ${env.dbDir}` : 'PostgreSQL';
    console.log(`[mc] Mission Control on http://localhost:${env.PORT} (${where})`);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[mc] ${signal}: shutting down`);
    server.close();
    server.closeAllConnections?.();
    await runtime.close().catch((e) => console.error(e));
    await nextApp.close?.().catch?.(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error('[mc] failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
