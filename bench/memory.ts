// bench/memory — resident memory of the README's run command, idle and across load passes (issue 13, point 4).
//
//   node --import tsx bench/memory.ts [--passes 5] [--requests 1200] [--idle-seconds 30] [--settle-seconds 15]
//                                     [--only embedded|postgres] [--port 3490] [--no-probe] [--probe-gc]
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
// (bench/memory-probe.mjs preloaded: V8 heap used/total, external, array buffers).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, cpuMsOr0, log, mapLimit, pgAdmin, PG_URL, root, sleep, start, stop, waitReady, type Proc } from './lib';

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
  port: opt('port', 3490),
  only: (() => {
    const i = argv.indexOf('--only');
    return i >= 0 ? argv[i + 1] : undefined;
  })(),
  probe: !argv.includes('--no-probe'),
  probeGc: argv.includes('--probe-gc'),
  /** Node flags for the server, for experiments (e.g. `--node-args "--max-semi-space-size=4"`). */
  nodeArgs: (() => {
    const i = argv.indexOf('--node-args');
    return i >= 0 ? argv[i + 1].split(/\s+/).filter(Boolean) : [];
  })(),
  concurrency: 8,
};
const base = `http://127.0.0.1:${O.port}`;
const ADMIN = { email: 'memory.admin@example.com', password: 'memory-bench-password', key: `mc_usr_bench_memory_${'m'.repeat(24)}` };
const PAGES = ['/', '/workspaces', '/notifications', '/settings/api-keys', '/admin/users'];
const wsPages = (slug: string) => [`/w/${slug}`, `/w/${slug}/tickets`, `/w/${slug}/board`, `/w/${slug}/agents`, `/w/${slug}/activity`, `/w/${slug}/executions`, `/w/${slug}/members`, `/w/${slug}/costs`];

// ---------------------------------------------------------------------------------------------- memory readings

interface Reading {
  rss: number;
  processes: number;
  wasm: number;
  anon: number;
  files: number;
  probe?: { heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; code: number; gc: boolean; resources: Record<string, number> };
}
const MB = 1024 * 1024;

/** pid and every descendant (Linux /proc). */
function tree(rootPid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      parent.set(Number(d), Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1]));
    } catch {
      /* gone */
    }
  }
  const out = [rootPid];
  for (let i = 0; i < out.length; i++) for (const [pid, pp] of parent) if (pp === out[i]) out.push(pid);
  return out;
}

/**
 * Resident memory of one process by kind of mapping (MB). A WebAssembly memory (PGlite's) is an anonymous read-write
 * mapping followed at once by the inaccessible guard region V8 reserves after it (gigabytes, `---p`).
 */
function smaps(pid: number) {
  const maps: { start: bigint; end: bigint; perms: string; name: string; rss: number }[] = [];
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) maps.push({ start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), perms: head[3], name: head[4], rss: 0 });
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && maps.length) maps[maps.length - 1].rss = Number(rss[1]) / 1024;
  }
  const sum = { rss: 0, wasm: 0, anon: 0, files: 0 };
  maps.forEach((m, i) => {
    const next = maps[i + 1];
    const guarded = !m.name && m.perms.startsWith('rw') && next && !next.name && next.perms.startsWith('---') && next.start === m.end && next.end - next.start >= 4n << 30n;
    sum.rss += m.rss;
    sum[m.name.startsWith('/') ? 'files' : guarded ? 'wasm' : 'anon'] += m.rss;
  });
  return sum;
}

async function read(server: Proc, probeDir: string): Promise<Reading> {
  const pids = tree(server.pid);
  const r: Reading = { rss: 0, processes: 0, wasm: 0, anon: 0, files: 0 };
  for (const pid of pids) {
    try {
      const s = smaps(pid);
      r.rss += s.rss;
      r.wasm += s.wasm;
      r.anon += s.anon;
      r.files += s.files;
      r.processes++;
    } catch {
      /* gone */
    }
  }
  if (O.probe) {
    const file = path.join(probeDir, `probe-${server.pid}.json`);
    rmSync(file, { force: true });
    server.child.kill('SIGUSR2');
    for (let i = 0; i < 50; i++) {
      await sleep(100);
      try {
        const p = JSON.parse(readFileSync(file, 'utf8'));
        r.probe = {
          heapUsed: p.after.heapUsed / MB,
          heapTotal: p.after.heapTotal / MB,
          external: p.after.external / MB,
          arrayBuffers: p.after.arrayBuffers / MB,
          code: (p.code.code_and_metadata_size + p.code.bytecode_and_metadata_size) / MB,
          gc: p.gc,
          resources: p.resources,
        };
        break;
      } catch {
        /* not written yet */
      }
    }
  }
  return r;
}

const f0 = (n: number | undefined) => (n === undefined ? '   –' : n.toFixed(0).padStart(4));
function line(label: string, r: Reading, extra = '') {
  const p = r.probe;
  log(
    `  ${label.padEnd(22)} RSS ${f0(r.rss)} MB (${r.processes} proc) │ wasm memory ${f0(r.wasm)} · other anon ${f0(r.anon)} · files ${f0(r.files)}` +
      (p ? ` │ V8 heap ${f0(p.heapUsed)}/${f0(p.heapTotal)} · external ${f0(p.external)} (array buffers ${f0(p.arrayBuffers)}) · code ${f0(p.code)}` : '') +
      extra,
  );
}

// ---------------------------------------------------------------------------------------------- the server

function serve(env: Record<string, string>, probeDir: string): Proc {
  const probeEnv: Record<string, string> = O.probe
    ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${path.join(root, 'bench/memory-probe.mjs')}`.trim(), MC_MEMORY_PROBE_DIR: probeDir, ...(O.probeGc ? { MC_MEMORY_PROBE_GC: '1' } : {}) }
    : {};
  return start('serve', 'scripts/serve.mjs', {
    PORT: String(O.port),
    HOST: '127.0.0.1',
    MC_INIT_ADMIN_EMAIL: ADMIN.email,
    MC_INIT_ADMIN_PASSWORD: ADMIN.password,
    MC_INIT_ADMIN_API_KEY: ADMIN.key,
    MC_RATE_LIMIT_PER_MINUTE: '100000000',
    MC_RATE_LIMIT_ANON_PER_MINUTE: '100000000',
    ...probeEnv,
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
  fresh: Reading;
  restart: Reading;
  passes: Reading[];
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

  const passes: Reading[] = [];
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
  log(`  ${O.passes} passes of ${O.requests} tasks (${O.concurrency} in flight), idle ${O.idleSeconds} s, settle ${O.settleSeconds} s${O.probe ? `, probe${O.probeGc ? ' with a full GC before each reading' : ''}` : ''}${O.nodeArgs.length ? `, server Node flags ${O.nodeArgs.join(' ')}` : ''}`);
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
    const first = r.passes[0]?.rss;
    const last = r.passes.at(-1)?.rss;
    const growth = first && last ? ((last - first) / first) * 100 : NaN;
    log(
      `  ${r.kind.padEnd(9)} idle fresh ${f0(r.fresh.rss)} MB · idle after restart ${f0(r.restart.rss)} MB · after passes ${r.passes.map((x) => x.rss.toFixed(0)).join(' / ')} MB` +
        ` · pass ${r.passes.length} vs pass 1: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
