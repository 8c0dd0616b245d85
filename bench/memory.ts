// bench/memory — resident memory of the README's run command, idle and across load passes (issue 13, point 4).
//
//   node --import tsx bench/memory.ts [--passes 5] [--requests 1200] [--idle-seconds 30] [--settle-seconds 15]
//                                     [--only embedded|postgres] [--port 3490] [--no-probe] [--no-gc] [--quiet-seconds 180]
//                                     [--env NAME=value …]
//                                     [--node-args "<Node flags for the server>"]
//
// Per database (the embedded one in a fresh data dir; PostgreSQL in a scratch database, dropped afterwards):
//  1. `node scripts/serve.mjs` (the run command; the build must be current) starts on the empty database, with an
//     instance admin from MC_INIT_*. Over the API: one workspace, 4 approved agents with keys, 200 tickets; a
//     session cookie for the dashboard. Then the first dashboard pages and lists are opened (as bench/idle-rss.mjs
//     does), the server is left idle for --idle-seconds, and the resident memory of its whole process tree is read:
//     "idle, fresh".
//  2. The server restarts on the same data, the same pages are opened, idle again: "idle after restart".
//  3. --passes load passes, each the same mix of --requests requests, 8 in flight: 4 logins, lists (tickets with their filters,
//     sorts and a second page, available, workspaces, agents, activity, notifications, executions, members),
//     ticket create (with an Idempotency-Key) → claim by an agent → move to PR review → done, and dashboard page
//     loads (HTML and the page's scripts). After each pass, --settle-seconds of quiet, then RSS is read.
// The result: RSS after every pass and the growth from pass 1 to pass N (target: within 10 %), and a breakdown of
// where the memory is, from /proc/<pid>/smaps (WebAssembly linear memory, i.e. PGlite's; other anonymous memory:
// the V8 heap, malloc, compiled code; mapped files) and, unless --no-probe, from inside the server
// (bench/memory-probe.mjs preloaded: V8 heap used/total, external, array buffers). Unless --no-gc, every reading is
// taken three times: as it is (--settle-seconds after the pass), once the process is quiet in V8's eyes (up to
// --quiet-seconds: V8 has shrunk the young generation, which it does when the allocation rate is low), and right after
// a last-resort GC (the heap retained, and the floor the RSS comes down to when V8 compacts and gives back every free
// page it can: what the memory reducer does by itself some time after the process has gone quiet). The summary gives, for both, pass N against pass 1, the spread of passes 2..N and their trend in MB per
// pass (a plateau: flat after the first pass; a leak: a trend that stays positive however many passes are run).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, cpuMsOr0, log, mapLimit, pgAdmin, PG_URL, sleep, start, stop, waitReady, type Proc } from './lib';
import { fmtReading, probeEnv as probeVars, readMemory, untilQuiet, type Reading } from './mem-read';

const argv = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const O = {
  passes: opt('passes', 5),
  requests: opt('requests', 1200),
  idleSeconds: opt('idle-seconds', 30),
  settleSeconds: opt('settle-seconds', 15),
  /** After the reading at --settle-seconds, wait up to this long for the process to be quiet in V8's eyes and read again (0: don't). */
  quietSeconds: opt('quiet-seconds', 180),
  port: opt('port', 3490),
  only: (() => {
    const i = argv.indexOf('--only');
    return i >= 0 ? argv[i + 1] : undefined;
  })(),
  probe: !argv.includes('--no-probe'),
  /** After each reading, one after a last-resort GC (what is retained, and the RSS once V8 has given back every free page it can). */
  gcReading: !argv.includes('--no-gc'),
  /** Node flags for the server, for experiments (e.g. `--node-args "--max-semi-space-size=4"`). */
  nodeArgs: (() => {
    const i = argv.indexOf('--node-args');
    return i >= 0 ? argv[i + 1].split(/\s+/).filter(Boolean) : [];
  })(),
  /** Extra environment for the server, for experiments (e.g. `--env MALLOC_ARENA_MAX=2`; repeatable). */
  env: Object.fromEntries(argv.flatMap((a, i) => (a === '--env' ? [argv[i + 1].split(/=(.*)/s).slice(0, 2)] : []))) as Record<string, string>,
  concurrency: 8,
};
const base = `http://127.0.0.1:${O.port}`;
const ADMIN = { email: 'memory.admin@example.com', password: 'memory-bench-password', key: `mc_usr_bench_memory_${'m'.repeat(24)}` };
const PAGES = ['/', '/workspaces', '/notifications', '/settings/api-keys', '/admin/users'];
const wsPages = (slug: string) => [`/w/${slug}`, `/w/${slug}/tickets`, `/w/${slug}/board`, `/w/${slug}/agents`, `/w/${slug}/activity`, `/w/${slug}/executions`, `/w/${slug}/members`, `/w/${slug}/costs`];

// ---------------------------------------------------------------------------------------------- memory readings

interface Pair {
  /** As it is, --settle-seconds after the load. */
  now: Reading;
  /** Once the process is quiet in V8's eyes (with the probe, unless --quiet-seconds 0). */
  idle?: { reading: Reading; seconds: number; quiet: boolean };
  /** Right after a last-resort GC, after `idle` (with the probe and unless --no-gc): the floor. */
  gc?: Reading;
}
async function read(server: Proc, probeDir: string): Promise<Pair> {
  const now = await readMemory(server, O.probe ? probeDir : undefined);
  const idle = O.probe && O.quietSeconds > 0 ? await untilQuiet(server, probeDir, O.quietSeconds) : undefined;
  const gc = O.probe && O.gcReading ? await readMemory(server, probeDir, { gc: true }) : undefined;
  return { now, idle, gc };
}
const f0 = (n: number | undefined) => (n === undefined ? '   –' : n.toFixed(0).padStart(4));
function line(label: string, r: Pair, extra = '') {
  log(`  ${label.padEnd(22)} ${fmtReading(r.now)}${extra}`);
  if (r.idle) log(`  ${''.padEnd(22)} ${r.idle.quiet ? `quiet (${r.idle.seconds.toFixed(0)} s later)` : `not quiet within ${r.idle.seconds.toFixed(0)} s`}: ${fmtReading(r.idle.reading)}`);
  if (r.gc?.probe) log(`  ${''.padEnd(22)} after a last-resort GC: RSS ${f0(r.gc.rss)} MB · other anon ${f0(r.gc.anon)} · V8 heap ${f0(r.gc.probe.heapUsed)}/${f0(r.gc.probe.heapTotal)} MB`);
}

// ---------------------------------------------------------------------------------------------- the server

function serve(env: Record<string, string>, probeDir: string): Proc {
  const probeEnv: Record<string, string> = O.probe ? probeVars(probeDir) : {};
  return start('serve', 'scripts/serve.mjs', {
    PORT: String(O.port),
    HOST: '127.0.0.1',
    MC_INIT_ADMIN_EMAIL: ADMIN.email,
    MC_INIT_ADMIN_PASSWORD: ADMIN.password,
    MC_INIT_ADMIN_API_KEY: ADMIN.key,
    MC_RATE_LIMIT_PER_MINUTE: '100000000',
    MC_RATE_LIMIT_ANON_PER_MINUTE: '100000000',
    ...probeEnv,
    ...O.env,
    ...env,
  }, O.nodeArgs);
}

async function up(env: Record<string, string>, probeDir: string): Promise<Proc> {
  const p = serve(env, probeDir);
  await waitReady(p, `${base}/api/v1/health`, 600_000);
  if (p.output.some((o) => /building/.test(o))) log('  warning: the run command rebuilt the app; its memory is measured after the build, in the same process');
  return p;
}

// ---------------------------------------------------------------------------------------------- seeding and load

interface Seed {
  slug: string;
  workspaceId: string;
  cookie: string;
  agentKeys: string[];
  ticketIds: string[];
}

async function login(): Promise<string> {
  const { res } = await api(O.port, 'POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: ADMIN.password } });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie) throw new Error('login set no cookie');
  return cookie;
}

async function seed(): Promise<Seed> {
  const slug = `memory-${Date.now().toString(36)}`;
  const { json: ws } = await api(O.port, 'POST', '/api/v1/workspaces', { key: ADMIN.key, body: { name: 'Memory bench', slug } });
  const workspaceId = ws.data.id as string;
  const agentKeys = await mapLimit([0, 1, 2, 3], 4, async (i) => {
    const { json: reg } = await api(O.port, 'POST', '/api/v1/agents', { body: { workspace: slug, name: `agent-${i + 1}`, capabilities: [] } });
    await api(O.port, 'POST', `/api/v1/agents/${reg.data.agentId}/approve`, { key: ADMIN.key });
    const { json: k } = await api(O.port, 'GET', `/api/v1/agents/${reg.data.agentId}/registration`, { key: reg.data.registrationSecret });
    return k.data.apiKey as string;
  });
  const ticketIds = await mapLimit(
    Array.from({ length: 200 }, (_, i) => i),
    8,
    async (i) =>
      (await api(O.port, 'POST', '/api/v1/tickets', { key: ADMIN.key, body: { workspaceId, title: `Seeded ticket ${i + 1}`, priority: ['low', 'medium', 'high', 'urgent'][i % 4] } })).json
        .data.id as string,
  );
  return { slug, workspaceId, cookie: await login(), agentKeys, ticketIds };
}

let failures = 0;
/** One request; the body is read in full. Unexpected statuses are counted (a few 409s from lost claim races are fine). */
async function call(method: string, p: string, auth: { key?: string; cookie?: string }, body?: unknown, extra: Record<string, string> = {}, ok: number[] = []) {
  const headers: Record<string, string> = { ...extra };
  if (auth.key) headers.authorization = `Bearer ${auth.key}`;
  if (auth.cookie) {
    headers.cookie = auth.cookie;
    headers.origin = base;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok && !ok.includes(res.status)) {
    if (++failures <= 5) log(`    ${method} ${p} → ${res.status} ${text.slice(0, 200)}`);
  }
  return { status: res.status, text };
}

/** A dashboard page: its HTML, then the scripts it names (a browser would load them once; the pass loads them each time). */
async function page(p: string, cookie: string, scripts: boolean) {
  const { text } = await call('GET', p, { cookie });
  if (!scripts) return;
  const srcs = [...text.matchAll(/<script[^>]+src="(\/_next\/[^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  for (const s of srcs) await call('GET', s, {});
}

/** Every task of one pass, in a fixed order, each one request (or a page with its scripts). */
function passTasks(s: Seed, n: number, passNo: number): (() => Promise<unknown>)[] {
  const admin = { key: ADMIN.key };
  const agent = (i: number) => ({ key: s.agentKeys[i % s.agentKeys.length] });
  const w = s.workspaceId;
  const lists: ((i: number) => Promise<unknown>)[] = [
    () => call('GET', `/api/v1/tickets?workspaceId=${w}&limit=20`, admin),
    () => call('GET', `/api/v1/tickets?workspaceId=${w}&status=todo&limit=20`, admin),
    () => call('GET', `/api/v1/tickets?workspaceId=${w}&sort=priority&limit=50`, admin),
    () => call('GET', `/api/v1/tickets?workspaceId=${w}&limit=20&offset=20`, admin),
    (i) => call('GET', `/api/v1/tickets/available?limit=20`, agent(i)),
    (i) => call('GET', `/api/v1/tickets?limit=20`, agent(i)),
    () => call('GET', '/api/v1/workspaces', admin),
    () => call('GET', `/api/v1/agents?workspaceId=${w}`, admin),
    () => call('GET', `/api/v1/activity?workspaceId=${w}&limit=50`, admin),
    () => call('GET', '/api/v1/notifications?limit=20', { cookie: s.cookie }),
    () => call('GET', `/api/v1/executions?workspaceId=${w}`, admin),
    () => call('GET', `/api/v1/workspaces/${w}/members`, admin),
    () => call('GET', '/api/v1/me', { cookie: s.cookie }),
  ];
  const pages = [...PAGES, ...wsPages(s.slug)];
  const tasks: (() => Promise<unknown>)[] = [];
  let lifecycles = 0;
  let pageNo = 0;
  // Four logins a pass (scrypt: 16 MiB each, see the password hashing thread in packages/core/src/shared/crypto.ts).
  for (let i = 0; i < 4; i++) tasks.push(() => call('POST', '/api/v1/auth/login', {}, { email: ADMIN.email, password: ADMIN.password }));
  for (let i = 0; tasks.length < n; i++) {
    const r = i % 10;
    if (r < 6) tasks.push(() => lists[i % lists.length](i));
    else if (r < 9) {
      // r = 6: a ticket's life (4 requests); r = 7, 8: one ticket read each.
      if (r === 6) {
        const k = lifecycles++;
        tasks.push(async () => {
          const created = await call('POST', '/api/v1/tickets', admin, { workspaceId: w, title: `Pass ${passNo} ticket ${k}`, priority: 'medium' }, { 'idempotency-key': `memory-${passNo}-${k}-${Date.now()}` });
          const id = JSON.parse(created.text)?.data?.id;
          if (!id) return;
          const a = agent(k);
          const claimed = await call('PATCH', `/api/v1/tickets/${id}/claim`, a, undefined, {}, [409]);
          if (claimed.status !== 200) return;
          await call('PATCH', `/api/v1/tickets/${id}`, a, { status: 'pr_review' });
          await call('PATCH', `/api/v1/tickets/${id}`, admin, { status: 'done' });
        });
      } else tasks.push(() => call('GET', `/api/v1/tickets/${s.ticketIds[i % s.ticketIds.length]}`, admin));
    } else {
      const p = pages[pageNo++ % pages.length];
      tasks.push(() => page(p, s.cookie, pageNo <= pages.length));
    }
  }
  return tasks;
}

async function openFirstPages(s: Seed | null, cookie: string) {
  for (const p of [...PAGES, ...(s ? wsPages(s.slug) : [])]) await page(p, cookie, true);
  for (const p of ['/api/v1/me', '/api/v1/workspaces', '/api/v1/activity', '/api/openapi']) await call('GET', p, { cookie });
}

// ---------------------------------------------------------------------------------------------- a run

interface Result {
  kind: string;
  fresh: Pair;
  restart: Pair;
  passes: Pair[];
  passSeconds: number[];
  cpuMsPerRequest: number[];
}

async function runOne(kind: 'embedded' | 'postgres', env: Record<string, string>, probeDir: string): Promise<Result> {
  log(`\n${kind}: first start on an empty database …`);
  let server = await up(env, probeDir);
  const s = await seed();
  await openFirstPages(s, s.cookie);
  log(`  seeded (workspace, 4 agents, 200 tickets) and opened ${PAGES.length + wsPages(s.slug).length} pages; idle ${O.idleSeconds} s …`);
  await sleep(O.idleSeconds * 1000);
  const fresh = await read(server, probeDir);
  line('idle, fresh', fresh);
  await stop(server);

  server = await up(env, probeDir);
  s.cookie = await login();
  await openFirstPages(s, s.cookie);
  await sleep(O.idleSeconds * 1000);
  const restart = await read(server, probeDir);
  line('idle after restart', restart);

  const passes: Pair[] = [];
  const passSeconds: number[] = [];
  const cpuMsPerRequest: number[] = [];
  for (let p = 1; p <= O.passes; p++) {
    failures = 0;
    const tasks = passTasks(s, O.requests, p);
    const c0 = cpuMsOr0(server.pid);
    const t0 = Date.now();
    await mapLimit(tasks, O.concurrency, (t) => t());
    passSeconds.push((Date.now() - t0) / 1000);
    cpuMsPerRequest.push((cpuMsOr0(server.pid) - c0) / tasks.length);
    await sleep(O.settleSeconds * 1000);
    const r = await read(server, probeDir);
    passes.push(r);
    line(`after pass ${p}`, r, ` │ ${passSeconds.at(-1)!.toFixed(0)} s, ${cpuMsPerRequest.at(-1)!.toFixed(1)} ms CPU/task${failures ? `, ${failures} unexpected statuses` : ''}`);
  }
  await stop(server);
  return { kind, fresh, restart, passes, passSeconds, cpuMsPerRequest };
}

async function main() {
  const probeDir = mkdtempSync(path.join(os.tmpdir(), 'mc-memory-probe-'));
  const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
  log(`bench/memory: ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} cores, load average ${load()}`);
  log(`  ${O.passes} passes of ${O.requests} tasks (${O.concurrency} in flight), idle ${O.idleSeconds} s, settle ${O.settleSeconds} s${O.probe ? `, probe${O.gcReading ? ', each reading also once quiet and after a last-resort GC' : ''}` : ''}${O.nodeArgs.length ? `, server Node flags ${O.nodeArgs.join(' ')}` : ''}${Object.keys(O.env).length ? `, server environment ${Object.entries(O.env).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`);
  const results: Result[] = [];
  try {
    if (O.only !== 'postgres') {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mc-memory-'));
      try {
        results.push(await runOne('embedded', { MC_DATA_DIR: dataDir }, probeDir));
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    if (O.only !== 'embedded') {
      const admin = await pgAdmin();
      if (admin) {
        const db = `mc_bench_memory_${process.pid}_${Date.now().toString(36)}`;
        await admin.query(`CREATE DATABASE ${db}`);
        try {
          results.push(await runOne('postgres', { DATABASE_URL: `${PG_URL}/${db}` }, probeDir));
        } finally {
          await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
          await admin.end();
        }
      }
    }
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
  log(`\nsummary (load average at the end ${load()}):`);
  for (const r of results) {
    log(`  ${r.kind}: idle fresh ${f0(r.fresh.now.rss)} MB · idle after restart ${f0(r.restart.now.rss)} MB${r.passes.some((x) => x.idle && !x.idle.quiet) ? ` · not quiet within ${O.quietSeconds} s after ${r.passes.filter((x) => x.idle && !x.idle.quiet).length} pass(es)` : ''}`);
    const series: [string, number[]][] = [[`RSS ${O.settleSeconds} s after`, r.passes.map((x) => x.now.rss)]];
    if (r.passes.every((x) => x.idle)) series.push(['RSS once quiet', r.passes.map((x) => x.idle!.reading.rss)]);
    if (r.passes.every((x) => x.gc)) {
      series.push(['RSS, last-resort GC', r.passes.map((x) => x.gc!.rss)]);
      if (r.passes.every((x) => x.gc!.probe)) series.push(['V8 heap retained', r.passes.map((x) => x.gc!.probe!.heapUsed)]);
    }
    for (const [label, xs] of series) log(`    ${label.padEnd(20)} ${xs.map((x) => x.toFixed(0)).join(' / ')} MB │ ${growthLine(xs)}`);
  }
}

/**
 * Pass N against pass 1 (the criterion: within 10 %), the spread of passes 2..N (a plateau: the first pass brings the
 * process to its working size, then nothing grows), and the trend of passes 2..N (least squares, MB per pass: a leak
 * keeps a positive slope however many passes are run).
 */
function growthLine(xs: number[]): string {
  const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)} %`;
  const parts = [`pass ${xs.length} vs 1: ${pct(xs[0], xs.at(-1)!)}`];
  const rest = xs.slice(1);
  if (rest.length >= 2) {
    const lo = Math.min(...rest);
    const hi = Math.max(...rest);
    const n = rest.length;
    const mx = (n - 1) / 2;
    const my = rest.reduce((a, b) => a + b, 0) / n;
    const slope = rest.reduce((a, y, i) => a + (i - mx) * (y - my), 0) / rest.reduce((a, _, i) => a + (i - mx) ** 2, 0);
    parts.push(`passes 2–${xs.length}: ${lo.toFixed(0)}–${hi.toFixed(0)} MB (spread ${(((hi - lo) / lo) * 100).toFixed(1)} %), trend ${slope >= 0 ? '+' : ''}${slope.toFixed(1)} MB/pass`);
  }
  return parts.join(' · ');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
