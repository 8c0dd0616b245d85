// Where a server process's memory is, read from outside (/proc/<pid>/smaps) and, when the server was started with
// bench/memory-probe.mjs preloaded (`probeEnv`), from inside (V8 heap, external, array buffers, code). Used by
// bench/memory.ts and bench/waiters.ts.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root, sleep, type Proc } from './lib';

export interface Reading {
  rss: number;
  processes: number;
  /** WebAssembly linear memory resident (PGlite's), MB. */
  wasm: number;
  /** Other anonymous memory: the V8 heap, malloc, compiled code. */
  anon: number;
  /** Of `anon`, glibc malloc's: the main arena (`[heap]`) and the threads' arenas (64 MB-aligned regions of 64 MB). */
  malloc: number;
  /** Mapped files. */
  files: number;
  probe?: { heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; code: number; newSpace: number; gc: boolean; resources: Record<string, number> };
}
export const MB = 1024 * 1024;

/** Environment that preloads the probe into a server (`gc`: a full GC before each of its readings). */
export function probeEnv(probeDir: string, gc = false): Record<string, string> {
  return {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${path.join(root, 'bench/memory-probe.mjs')}`.trim(),
    MC_MEMORY_PROBE_DIR: probeDir,
    ...(gc ? { MC_MEMORY_PROBE_GC: '1' } : {}),
  };
}

/** pid and every descendant (Linux /proc). */
export function tree(rootPid: number): number[] {
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
export function smaps(pid: number) {
  const maps: { start: bigint; end: bigint; perms: string; name: string; rss: number }[] = [];
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) maps.push({ start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), perms: head[3], name: head[4], rss: 0 });
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && maps.length) maps[maps.length - 1].rss = Number(rss[1]) / 1024;
  }
  const sum = { rss: 0, wasm: 0, anon: 0, files: 0, malloc: 0 };
  const ARENA = 64n << 20n;
  maps.forEach((m, i) => {
    const next = maps[i + 1];
    const guarded = !m.name && m.perms.startsWith('rw') && next && !next.name && next.perms.startsWith('---') && next.start === m.end && next.end - next.start >= 4n << 30n;
    sum.rss += m.rss;
    sum[m.name.startsWith('/') ? 'files' : guarded ? 'wasm' : 'anon'] += m.rss;
    // A thread's malloc arena: 64 MB reserved at a 64 MB boundary, the used part read-write and the rest `---p`.
    const arena =
      !m.name && m.perms.startsWith('rw') && m.start % ARENA === 0n &&
      (m.end - m.start === ARENA || (next && !next.name && next.perms.startsWith('---') && next.start === m.end && next.end === m.start + ARENA));
    if (m.name === '[heap]' || arena) sum.malloc += m.rss;
  });
  return sum;
}

/**
 * A reading of the process tree of `server`; with `probeDir`, the probe's figures too (it answers SIGUSR2). `gc`: a full
 * garbage collection first (what is retained); `snapshot`: a heap snapshot written to `probeDir` too.
 */
export async function readMemory(server: Proc, probeDir?: string, opts: { gc?: boolean; snapshot?: boolean } = {}): Promise<Reading> {
  const r: Reading = { rss: 0, processes: 0, wasm: 0, anon: 0, files: 0, malloc: 0 };
  for (const pid of tree(server.pid)) {
    try {
      const s = smaps(pid);
      r.rss += s.rss;
      r.wasm += s.wasm;
      r.anon += s.anon;
      r.files += s.files;
      r.malloc += s.malloc;
      r.processes++;
    } catch {
      /* gone */
    }
  }
  if (probeDir) {
    const file = path.join(probeDir, `probe-${server.pid}.json`);
    rmSync(file, { force: true });
    if (opts.gc) writeFileSync(path.join(probeDir, `gc-${server.pid}`), '');
    if (opts.snapshot) writeFileSync(path.join(probeDir, `snapshot-${server.pid}`), '');
    server.child.kill('SIGUSR2');
    for (let i = 0; i < 600; i++) {
      await sleep(100);
      try {
        const p = JSON.parse(readFileSync(file, 'utf8'));
        r.probe = {
          heapUsed: p.after.heapUsed / MB,
          heapTotal: p.after.heapTotal / MB,
          external: p.after.external / MB,
          arrayBuffers: p.after.arrayBuffers / MB,
          code: (p.code.code_and_metadata_size + p.code.bytecode_and_metadata_size) / MB,
          newSpace: (p.spaces.new_space ?? 0) / MB,
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
/** One line: RSS, its split by mapping, and the probe's figures when there are any. */
export function fmtReading(r: Reading): string {
  const p = r.probe;
  return (
    `RSS ${f0(r.rss)} MB (${r.processes} proc) │ wasm memory ${f0(r.wasm)} · other anon ${f0(r.anon)} (malloc ${f0(r.malloc)}) · files ${f0(r.files)}` +
    (p ? ` │ V8 heap ${f0(p.heapUsed)}/${f0(p.heapTotal)}${p.gc ? ' (after a last-resort GC)' : ''} · new space ${f0(p.newSpace)} · external ${f0(p.external)} (array buffers ${f0(p.arrayBuffers)}) · code ${f0(p.code)}` : '')
  );
}

/**
 * Wait, reading every 5 s without forcing anything, until the process has gone quiet in V8's eyes — seen here as the
 * young generation shrunk below 16 MB (V8 shrinks it, from 2 × 16 MB on Node 20, once the allocation rate is low) —
 * then read once more (`quiet: true`), or give up after `maxSeconds` (`quiet: false`, the last reading). Needs the
 * probe. Whether the old generation has given its free pages back by then is up to V8's memory reducer (a later
 * timer); the reading after a last-resort GC (`readMemory(…, {gc: true})`) is the floor it comes down to.
 */
export async function untilQuiet(server: Proc, probeDir: string, maxSeconds: number): Promise<{ reading: Reading; seconds: number; quiet: boolean }> {
  const t0 = Date.now();
  let r = await readMemory(server, probeDir);
  while (!(r.probe && r.probe.newSpace < 16) && Date.now() - t0 < maxSeconds * 1000) {
    await sleep(5000);
    r = await readMemory(server, probeDir);
  }
  const quiet = !!r.probe && r.probe.newSpace < 16;
  if (quiet) {
    await sleep(5000);
    r = await readMemory(server, probeDir);
  }
  return { reading: r, seconds: (Date.now() - t0) / 1000, quiet };
}
