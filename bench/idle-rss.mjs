#!/usr/bin/env node
// Idle memory of everything the README's run command leaves running: starts `node scripts/serve.mjs` on a fresh
// data directory (the build must be current, or this measures the build too), creates the instance admin, opens
// a few dashboard pages and API lists, waits, then sums the resident memory (VmRSS) of the whole process tree.
//   node bench/idle-rss.mjs [--idle-seconds 60] [--port 3190]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const port = arg('port', 3190);
const idleSeconds = arg('idle-seconds', 60);
const base = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mc-idle-rss-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** pid → {ppid, rssKb, cmd} for every process on the machine (Linux /proc). */
function processes() {
  const all = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      all.set(Number(pid), { ppid, rssKb, cmd });
    } catch {
      /* gone */
    }
  }
  return all;
}

function tree(rootPid) {
  const all = processes();
  const out = [];
  const walk = (pid) => {
    const p = all.get(pid);
    if (!p) return;
    out.push({ pid, ...p });
    for (const [child, c] of all) if (c.ppid === pid) walk(child);
  };
  walk(rootPid);
  return out;
}

const child = spawn(process.execPath, ['scripts/serve.mjs'], {
  cwd: root,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', MC_DATA_DIR: dataDir, MC_RATE_LIMIT_ANON_PER_MINUTE: '100000' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
child.stdout.on('data', () => {});
child.stderr.on('data', (d) => process.stderr.write(d));

try {
  for (let i = 0; ; i++) {
    if (i > 600) throw new Error('the server did not answer within 10 minutes');
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) break;
    } catch {
      /* not yet */
    }
    await sleep(1000);
  }
  const setup = await fetch(`${base}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email: 'admin@example.com', name: 'Admin', password: 'a long enough password' }),
  });
  const cookie = setup.headers.get('set-cookie')?.split(';')[0] ?? '';
  const pages = ['/', '/workspaces', '/notifications', '/settings/api-keys', '/admin/users'];
  for (const p of pages) await fetch(`${base}${p}`, { headers: { cookie } }).then((r) => r.text());
  for (const p of ['/api/v1/me', '/api/v1/workspaces', '/api/v1/activity', '/api/openapi']) {
    await fetch(`${base}${p}`, { headers: { cookie } }).then((r) => r.text());
  }
  console.log(`setup: ${setup.status}; pages and lists opened; idle for ${idleSeconds} s…`);
  await sleep(idleSeconds * 1000);
  const procs = tree(child.pid);
  let total = 0;
  for (const p of procs) {
    total += p.rssKb;
    console.log(`  pid ${p.pid}  ${(p.rssKb / 1024).toFixed(0).padStart(5)} MB  ${p.cmd.slice(0, 100)}`);
  }
  console.log(`idle RSS of everything the run command left running: ${(total / 1024).toFixed(0)} MB in ${procs.length} process(es)`);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
