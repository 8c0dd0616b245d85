// The fingerprint of what a build of the app reads, so `node scripts/serve.mjs` rebuilds only when the sources
// changed. A content hash, not mtimes: a fresh clone or a `git checkout` back and forth must not force a rebuild.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Written by the build beside the server bundle: the fingerprint of the sources it was built from. */
export const BUILD_STAMP = path.join(REPO_ROOT, 'apps/web/dist/.source-fingerprint');

/** Build outputs, dependencies, tests and data are not build inputs. */
const SKIP = new Set(['node_modules', '.next', 'dist', '.turbo', 'test', 'data']);

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (entry.isFile() && !/\.(test|spec)\.tsx?$/.test(entry.name)) yield full;
  }
}

export function sourceFingerprint(root = REPO_ROOT) {
  const hash = createHash('sha256');
  const files = [path.join(root, 'apps/web'), path.join(root, 'packages')].flatMap((dir) => [...sourceFiles(dir)]);
  for (const f of ['package.json', 'pnpm-lock.yaml', 'tsconfig.base.json', 'turbo.json']) files.push(path.join(root, f));
  for (const file of files.sort()) {
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}
