// Preloaded into the measured server by bench/memory.ts and bench/waiters.ts (`NODE_OPTIONS=--import <this file>`),
// nothing else: on SIGUSR2 it writes where this process's memory is, as Node sees it, to
// $MC_MEMORY_PROBE_DIR/probe-<pid>.json — process.memoryUsage() (V8 heap, external, array buffers), the V8 heap's
// spaces and code, and the handles keeping the event loop busy. With MC_MEMORY_PROBE_GC=1, or when the file
// $MC_MEMORY_PROBE_DIR/gc-<pid> exists at the signal, it first runs a full garbage collection, so the heap figures are
// what is retained rather than what is retained plus garbage (that changes later RSS: off by default). The collection
// is V8's "last resort" one (`gc({flavor: 'last-resort'})`, what V8 runs before giving up on memory: it compacts and
// gives back every page it can), so the RSS read after it is the floor V8 can come down to. When
// $MC_MEMORY_PROBE_DIR/snapshot-<pid> exists, it also writes a heap snapshot next to it (heap-<pid>-<time>.heapsnapshot).
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';

const dir = process.env.MC_MEMORY_PROBE_DIR;
if (dir) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const always = process.env.MC_MEMORY_PROBE_GC === '1';
  process.on('SIGUSR2', () => {
    const before = process.memoryUsage();
    const asked = path.join(dir, `gc-${process.pid}`);
    const collect = always || existsSync(asked);
    rmSync(asked, { force: true });
    if (collect) gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    const snap = path.join(dir, `snapshot-${process.pid}`);
    if (existsSync(snap)) {
      rmSync(snap, { force: true });
      v8.writeHeapSnapshot(path.join(dir, `heap-${process.pid}-${Date.now()}.heapsnapshot`));
    }
    const mu = process.memoryUsage();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
    const code = v8.getHeapCodeStatistics();
    const resources = {};
    for (const r of process.getActiveResourcesInfo?.() ?? []) resources[r] = (resources[r] ?? 0) + 1;
    const out = { pid: process.pid, at: Date.now(), before, after: mu, gc: collect, spaces, code, resources };
    writeFileSync(path.join(dir, `probe-${process.pid}.json`), JSON.stringify(out));
  });
}
