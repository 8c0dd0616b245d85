// Node flags the server runs with when the run command can give them (bench/README.md "Memory"). V8 sizes its young
// generation only when the process starts: 2 × 4 MB semi-spaces instead of Node's default 2 × 16 MB kept the
// server's resident memory 15–30 MB lower, idle and under load, with no CPU cost measured.
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=4'];

/**
 * Environment the server starts with, for the same reason. glibc's malloc gives every thread that allocates an arena
 * of its own (up to 8 per core) and keeps what it freed there: the server's threads (libuv's pool, V8's compiler and
 * GC workers, the password hashing thread) left the malloc share of its RSS growing from one load pass to the next
 * (65 → 67 → 79 MB over three passes), where two arenas kept it flat (46 → 54 → 54 → 54 MB) and the RSS 10–30 MB
 * lower (bench/README.md, "Memory", 2026-12-08). Read by glibc when the process starts, so only a (re)start can set
 * it; other C libraries ignore it.
 */
export const SERVER_ENV = { MALLOC_ARENA_MAX: '2' };

/** The variables of SERVER_ENV that `env` does not set already (to any value). */
export function missingServerEnv(env) {
  return Object.fromEntries(Object.entries(SERVER_ENV).filter(([k]) => env[k] === undefined || env[k] === ''));
}

/** The flags of SERVER_NODE_FLAGS that neither the command line nor NODE_OPTIONS already sets (to any value). */
export function missingServerFlags(execArgv, nodeOptions = '') {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].filter(Boolean).map((f) => f.split('=')[0].replaceAll('_', '-'));
  return SERVER_NODE_FLAGS.filter((f) => !given.includes(f.split('=')[0]));
}

/**
 * Start this program again in the same process with the missing flags, where Node can (`process.execve`: Node
 * 22.15+, not on Windows): same process id, same terminal and signals, nothing left behind. Returns only when it
 * did not (older Node, every flag already given, or execve failed): the server then runs without them.
 */
export function reexecWithServerFlags() {
  const missing = missingServerFlags(process.execArgv, process.env.NODE_OPTIONS);
  const env = missingServerEnv(process.env);
  if ((missing.length === 0 && Object.keys(env).length === 0) || typeof process.execve !== 'function' || process.platform === 'win32') return;
  try {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, ...missing, ...process.argv.slice(1)], { ...process.env, ...env });
  } catch (err) {
    const what = [...missing, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)].join(' ');
    console.warn(`[mc] could not restart with ${what} (${err?.message ?? err}); running without`);
  }
}
