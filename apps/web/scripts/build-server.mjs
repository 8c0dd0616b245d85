// Bundles server.ts and the workspace packages (TypeScript sources) into dist/server.mjs. Third-party packages
// stay external and load from node_modules; the committed migrations are copied beside the bundle.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_STAMP, sourceFingerprint } from '../../../scripts/source-fingerprint.mjs';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(appDir, 'dist');
rmSync(out, { recursive: true, force: true });

const result = await build({
  metafile: true,
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
// Third-party packages stay external, so each must be resolvable from apps/web itself: with pnpm's strict
// node_modules a dependency that only a workspace package declares (e.g. core's ipaddr.js) builds fine and then
// fails at start with ERR_MODULE_NOT_FOUND. Refuse such a build, naming the package to add to apps/web.
const externals = new Set(
  Object.values(result.metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.external && !i.path.startsWith('node:') && !builtinModules.includes(i.path))
    .map((i) => (i.path.startsWith('@') ? i.path.split('/').slice(0, 2).join('/') : i.path.split('/')[0])),
);
const unresolvable = [...externals].filter((name) => !existsSync(path.join(appDir, 'node_modules', name)));
if (unresolvable.length) {
  console.error(`[build] the server imports packages that apps/web does not declare: ${unresolvable.join(', ')}. Add them to apps/web/package.json dependencies.`);
  process.exit(1);
}
cpSync(path.resolve(appDir, '../../packages/db/drizzle'), path.join(out, 'drizzle'), { recursive: true });
// `node scripts/serve.mjs` rebuilds only when the sources differ from the ones this build was made from.
writeFileSync(BUILD_STAMP, `${sourceFingerprint()}\n`);
console.log('[build] dist/server.mjs');
