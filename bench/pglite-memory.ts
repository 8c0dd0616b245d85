// bench/pglite-memory — what the embedded database costs in memory, and which settings change it.
//
//   node --import tsx bench/pglite-memory.ts
//
// Makes one migrated and seeded PGlite data dir (20 workspaces, a member, a key), then for each variant opens a copy of
// it in a fresh child process (bench/pglite-memory-child.mjs) with that variant's postgresql.conf lines (and Node flags) and reports: time to open,
// resident memory idle after opening, then after BENCH_PGLITE_ITERATIONS (default 3000) rounds of the two statements of
// an authenticated list request (the key lookup and the workspace list), the CPU time per round, and the peak (VmHWM).
// Each variant runs BENCH_PGLITE_REPEAT (default 2) times, interleaved; medians are printed.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHILD = path.join(root, 'bench/pglite-memory-child.mjs');

async function seedDir(dir: string): Promise<string> {
  const { openDatabase } = await import('../packages/db/src/client');
  const database = await openDatabase({ dataDir: dir });
  const client = (database as unknown as { pglite: { query(q: string, v?: unknown[]): Promise<unknown> } }).pglite;
  const key = `mc_usr_${randomBytes(32).toString('base64url')}`;
  const hash = createHash('sha256').update(key).digest('hex');
  await client.query(`INSERT INTO users (id, email, name) VALUES ('usr_1', 'u@example.com', 'U')`);
  await client.query(`INSERT INTO api_keys (id, user_id, name, key_prefix, key_hash) VALUES ('key_1', 'usr_1', 'k', 'mc_usr_', $1)`, [hash]);
  for (let i = 0; i < 20; i++) {
    await client.query(`INSERT INTO workspaces (id, slug, name, mission, created_at) VALUES ($1, $2, $3, 'm', now() - ($4 || ' minutes')::interval)`, [
      `wsp_${i}`,
      `s-${i}`,
      `W ${i}`,
      String(i),
    ]);
    await client.query(`INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, 'usr_1', 'member')`, [`wsp_${i}`]);
  }
  await database.close();
  return hash;
}

/** Postgres sizes its shared memory (lock tables, process slots) by these; PGlite touches all of it at start. */
const SHMEM = ['max_connections = 4', 'superuser_reserved_connections = 0', 'max_wal_senders = 0', 'max_replication_slots = 0'];

interface Variant {
  name: string;
  conf: string[] | null;
  nodeArgs?: string[];
}

async function main() {
  const { EMBEDDED_POSTGRES_CONF } = await import('../packages/db/src/client');
  const current = [...EMBEDDED_POSTGRES_CONF];
  const variants: Variant[] = [
    { name: 'PGlite defaults (no postgresqlconf)', conf: null },
    { name: `current EMBEDDED_POSTGRES_CONF (${current.join(', ')})`, conf: current },
    { name: 'current, but shared_buffers = 8MB', conf: [...current.filter((l) => !l.startsWith('shared_buffers')), 'shared_buffers = 8MB'] },
    { name: 'current + smaller shared memory (max_connections = 4, no WAL senders / slots)', conf: [...current, ...SHMEM] },
    { name: 'current, Node --no-wasm-tier-up (WASM stays on the Liftoff baseline compiler)', conf: current, nodeArgs: ['--no-wasm-tier-up'] },
    { name: 'current, Node --liftoff-only', conf: current, nodeArgs: ['--liftoff-only'] },
  ];
  const only = process.env.BENCH_PGLITE_VARIANTS?.split(',').map(Number);
  const chosen = only ? variants.filter((_, i) => only.includes(i)) : variants;
  const repeat = Number(process.env.BENCH_PGLITE_REPEAT ?? 2);

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mc-pglite-mem-'));
  try {
    const seeded = path.join(tmp, 'seeded');
    log(`creating a migrated, seeded data dir in ${seeded} …`);
    const hash = await seedDir(seeded);
    const results = new Map<string, ReturnType<typeof JSON.parse>[]>();
    for (let r = 0; r < repeat; r++) {
      for (const v of chosen) {
        const dir = path.join(tmp, `run-${r}-${chosen.indexOf(v)}`);
        cpSync(seeded, dir, { recursive: true });
        const out = await new Promise<string>((resolve, reject) => {
          const c = spawn(process.execPath, [...(v.nodeArgs ?? []), CHILD], {
            cwd: root,
            env: { ...process.env, PGM_DIR: dir, PGM_CONF: JSON.stringify(v.conf), PGM_HASH: hash, PGM_ITERATIONS: process.env.BENCH_PGLITE_ITERATIONS ?? '3000' },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let s = '';
          c.stdout.on('data', (d) => (s += d));
          c.on('exit', (code) => (code === 0 ? resolve(s) : reject(new Error(`variant "${v.name}" failed (${code})`))));
        });
        rmSync(dir, { recursive: true, force: true });
        const res = JSON.parse(out.trim().split('\n').at(-1)!);
        results.set(v.name, [...(results.get(v.name) ?? []), res]);
        log(`  ${r + 1}/${repeat} ${v.name}: idle ${res.idle.toFixed(0)} MB, after load ${res.loaded.toFixed(0)} MB, ${res.cpuUs.toFixed(0)} µs CPU/round`);
      }
    }
    const med = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    log(`\nPGlite memory (${os.cpus().length} cores, Node ${process.version}; medians of ${repeat}; RSS of a process that only opens PGlite, Node baseline ≈ ${med([...results.values()].flat().map((x) => x.base)).toFixed(0)} MB)`);
    log('  open s   idle MB   after load MB   peak MB   CPU µs/round   rounds/s   variant');
    for (const v of chosen) {
      const rs = results.get(v.name)!;
      const m = (k: string) => med(rs.map((x) => x[k]));
      log(
        `  ${(m('openMs') / 1000).toFixed(2).padStart(6)}   ${m('idle').toFixed(0).padStart(7)}   ${m('loaded').toFixed(0).padStart(13)}   ${m('hwm').toFixed(0).padStart(7)}   ${m('cpuUs').toFixed(0).padStart(12)}   ${m('perSec').toFixed(0).padStart(8)}   ${v.name}`,
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function log(...a: unknown[]) {
  console.log(...a);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
