#!/usr/bin/env node
// Installs the pinned OpenClaw gateway (and the Node 24 it needs) into a cache folder outside git, for the
// real-gateway tests (`*.gateway.test.ts`). Idempotent: when the pinned versions are already there it returns in
// milliseconds. The folder defaults to ~/.cache/mission-control/openclaw-<version>; set MC_OPENCLAW_DIR to move it.
//
//   node scripts/openclaw-install.mjs          # install (or confirm) and print the paths
//
// Layout:  <dir>/node/node_modules/.bin/node             (npm package `node`, a real Node 24 binary)
//          <dir>/openclaw/node_modules/openclaw/…         (npm package `openclaw`, pinned)
//          <dir>/installed.json                           (written last; its presence means "complete")
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The OpenClaw release the client and tests are written against (the wire protocol moves: pin it). */
export const OPENCLAW_VERSION = '2026.9.6';
/** Node for the gateway (OpenClaw needs >= 24.16 < 25). */
export const OPENCLAW_NODE_VERSION = '24.21.0';

/** Where the install lives and the two executables the tests need. */
export function openclawPaths(env = process.env) {
  const dir = env.MC_OPENCLAW_DIR
    ? path.resolve(env.MC_OPENCLAW_DIR)
    : path.join(os.homedir(), '.cache', 'mission-control', `openclaw-${OPENCLAW_VERSION}`);
  const nodeBinDir = path.join(dir, 'node', 'node_modules', '.bin');
  return {
    dir,
    nodeBinDir,
    node: path.join(nodeBinDir, 'node'),
    openclawPackageDir: path.join(dir, 'openclaw', 'node_modules', 'openclaw'),
    marker: path.join(dir, 'installed.json'),
  };
}

/** The entry script of the `openclaw` CLI (from its package.json `bin`), to run with the Node 24 binary. */
export function openclawEntry(paths = openclawPaths()) {
  const pkg = JSON.parse(readFileSync(path.join(paths.openclawPackageDir, 'package.json'), 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.openclaw ?? Object.values(pkg.bin ?? {})[0]);
  if (!bin) throw new Error('openclaw package.json has no bin entry');
  return path.join(paths.openclawPackageDir, bin);
}

function isInstalled(paths) {
  if (!existsSync(paths.marker) || !existsSync(paths.node) || !existsSync(paths.openclawPackageDir)) return false;
  try {
    const m = JSON.parse(readFileSync(paths.marker, 'utf8'));
    return m.openclaw === OPENCLAW_VERSION && m.node === OPENCLAW_NODE_VERSION;
  } catch {
    return false;
  }
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

function npmInstall(folder, spec, env) {
  mkdirSync(folder, { recursive: true });
  // A private package.json so npm installs here and not into an enclosing project.
  writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name: 'mc-openclaw-cache', private: true }) + '\n');
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', '--prefer-offline', spec],
    { cwd: folder, env },
  );
}

export function installOpenclaw({ log = console.log } = {}) {
  const paths = openclawPaths();
  if (isInstalled(paths)) return { ...paths, installedNow: false, seconds: 0 };
  const t0 = Date.now();
  rmSync(paths.marker, { force: true });
  log(`installing node@${OPENCLAW_NODE_VERSION} and openclaw@${OPENCLAW_VERSION} into ${paths.dir} …`);
  const env = { ...process.env, npm_config_update_notifier: 'false' };
  if (!existsSync(paths.node)) npmInstall(path.join(paths.dir, 'node'), `node@${OPENCLAW_NODE_VERSION}`, env);
  const v = spawnSync(paths.node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (v !== `v${OPENCLAW_NODE_VERSION}`) throw new Error(`expected Node v${OPENCLAW_NODE_VERSION} at ${paths.node}, got ${v}`);
  // OpenClaw's install scripts must run under Node 24: put it first on PATH.
  npmInstall(path.join(paths.dir, 'openclaw'), `openclaw@${OPENCLAW_VERSION}`, {
    ...env,
    PATH: `${paths.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
  });
  const pkg = JSON.parse(readFileSync(path.join(paths.openclawPackageDir, 'package.json'), 'utf8'));
  if (pkg.version !== OPENCLAW_VERSION) throw new Error(`installed openclaw ${pkg.version}, expected ${OPENCLAW_VERSION}`);
  const seconds = (Date.now() - t0) / 1000;
  writeFileSync(
    paths.marker,
    JSON.stringify({ openclaw: OPENCLAW_VERSION, node: OPENCLAW_NODE_VERSION, installedAt: new Date().toISOString(), seconds }) + '\n',
  );
  return { ...paths, installedNow: true, seconds };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const r = installOpenclaw();
    console.log(
      r.installedNow
        ? `openclaw@${OPENCLAW_VERSION} installed in ${r.seconds.toFixed(0)}s at ${r.dir}`
        : `openclaw@${OPENCLAW_VERSION} already installed at ${r.dir}`,
    );
    console.log(`  node:     ${r.node}`);
    console.log(`  openclaw: ${openclawEntry(r)}`);
  } catch (err) {
    console.error(`openclaw install failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
