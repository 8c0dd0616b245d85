// Node flags the server runs with when the run command can give them (bench/README.md "Memory"). V8 sizes its young
// generation only when the process starts: 2 × 4 MB semi-spaces instead of Node's default 2 × 16 MB kept the
// server's resident memory 15–30 MB lower, idle and under load, with no CPU cost measured.
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=4'];

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
  if (missing.length === 0 || typeof process.execve !== 'function' || process.platform === 'win32') return;
  try {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, ...missing, ...process.argv.slice(1)], process.env);
  } catch (err) {
    console.warn(`[mc] could not restart with ${missing.join(' ')} (${err?.message ?? err}); running without`);
  }
}
