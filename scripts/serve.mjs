#!/usr/bin/env node
// `node scripts/serve.mjs` — the README's run command: build the app if its sources changed since the last
// build, then run the server in THIS process. Nothing else stays resident: no package-manager wrapper (each
// npx/pnpm layer kept ~90 MB alive for the server's whole life) and no builder. A relative MC_DATA_DIR resolves
// against the folder the command was run from, as a user expects.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { reexecWithServerFlags } from './server-flags.mjs';
import { BUILD_STAMP, REPO_ROOT, sourceFingerprint } from './source-fingerprint.mjs';

const serverBundle = path.join(REPO_ROOT, 'apps/web/dist/server.mjs');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 9)) {
  console.error(`[mc] Node.js ${process.versions.node} is too old: Mission Control needs Node.js 20.9 or later.`);
  process.exit(1);
}
// Where Node can (22.15+), this same process restarts once with the server's Node flags and environment (a smaller
// young generation, two malloc arenas: scripts/server-flags.mjs); on Node 20 the server runs without them
// (NODE_OPTIONS=--max-semi-space-size=4 and MALLOC_ARENA_MAX=2 in the environment give them).
reexecWithServerFlags();
const webDir = path.join(REPO_ROOT, 'apps/web');
const nextBin = path.join(webDir, 'node_modules/.bin/next');
if (!existsSync(nextBin)) {
  console.error('[mc] dependencies are not installed: run `npx -y pnpm@10 install` in the repository first.');
  process.exit(1);
}

const built = existsSync(serverBundle) && existsSync(BUILD_STAMP) ? readFileSync(BUILD_STAMP, 'utf8').trim() : null;
if (built !== null && built === sourceFingerprint() && process.env.MC_FORCE_BUILD !== '1') {
  console.log('[mc] the build is up to date with the sources');
} else {
  console.log(built === null ? '[mc] building the app (first start, about a minute)…' : '[mc] the sources changed since the last build: building…');
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
  // apps/web's own build script, run as `npm run` would (turbo needs pnpm on the PATH, which `npx pnpm` does not
  // leave). Its last step writes BUILD_STAMP (apps/web/scripts/build-server.mjs), so a `pnpm build` counts too.
  const script = JSON.parse(readFileSync(path.join(webDir, 'package.json'), 'utf8')).scripts.build;
  env.PATH = [path.join(webDir, 'node_modules/.bin'), path.join(REPO_ROOT, 'node_modules/.bin'), env.PATH].join(path.delimiter);
  const r = spawnSync(script, { cwd: webDir, stdio: 'inherit', env, shell: true });
  if (r.status !== 0) {
    console.error('[mc] the build failed; see above');
    process.exit(r.status ?? 1);
  }
}

// The server, in this process: it reads its configuration from the environment and the working directory.
await import(pathToFileURL(serverBundle).href);
