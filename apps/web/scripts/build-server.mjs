// Bundles server.ts and the workspace packages (TypeScript sources) into dist/server.mjs. Third-party packages
// stay external and load from node_modules; the committed migrations are copied beside the bundle.
import { build } from 'esbuild';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_STAMP, sourceFingerprint } from '../../../scripts/source-fingerprint.mjs';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(appDir, 'dist');
rmSync(out, { recursive: true, force: true });

await build({
  entryPoints: [path.join(appDir, 'server.ts')],
  outfile: path.join(out, 'server.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __mcCreateRequire } from 'node:module'; const require = __mcCreateRequire(import.meta.url);" },
  plugins: [
    {
      name: 'externalize-node-modules',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@mc/') ? undefined : { path: args.path, external: true }));
      },
    },
  ],
});
cpSync(path.resolve(appDir, '../../packages/db/drizzle'), path.join(out, 'drizzle'), { recursive: true });
// `node scripts/serve.mjs` rebuilds only when the sources differ from the ones this build was made from.
writeFileSync(BUILD_STAMP, `${sourceFingerprint()}\n`);
console.log('[build] dist/server.mjs');
