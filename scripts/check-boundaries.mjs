#!/usr/bin/env node
// Enforces the dependency arrows of DESIGN.md: contracts → zod only; db → nothing internal; core → db, contracts, openclaw (the gateway client);
// api → core, contracts; nothing in core imports next/* or reads process.env; outbound network calls only in
// core's shared/outbound.ts; no import cycles inside core, between its feature folders or between its files;
// `@mc/contracts/constants` imports nothing; errors are built only by the factories of core's errors.ts.
// Fails with the offending lines (a cycle as the path of folders, with the imports that make each arrow).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileGraph, findCycles, folderGraph, readTree } from './import-graph.mjs';

process.chdir(path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));

const rules = {
  'packages/contracts/src': { forbid: [/^@mc\//, /^next/, /^hono/, /^drizzle/], env: false },
  'packages/db/src': { forbid: [/^@mc\//, /^next/, /^hono/], env: false, allowEnvIn: ['testing.ts'] },
  'packages/core/src': { forbid: [/^@mc\/api/, /^@mc\/web/, /^next/, /^hono/, /^react/], env: false },
  // The OpenClaw gateway client: no database, no domain, no HTTP framework; configuration comes from its caller.
  'packages/openclaw/src': { forbid: [/^@mc\//, /^next/, /^hono/, /^react/, /^drizzle/], env: false },
  'packages/api/src': { forbid: [/^@mc\/db/, /^@mc\/web/, /^next/, /^react/, /^drizzle/], env: false },
  // Dashboard code (pages, features, UI) calls the API only through the typed client in apps/web/src/data (ADR 0015).
  'apps/web/app': { forbid: [/^@mc\/core/, /^@mc\/db/, /^@mc\/api/, /^drizzle/], env: false, apiThroughClient: true },
  'apps/web/src/ui': { forbid: [/^@mc\/core/, /^@mc\/db/, /^@mc\/api/, /^drizzle/], env: false, apiThroughClient: true },
  // The typed client runs in browsers and Node alike: types from the served document, no schema library, no server code.
  'packages/client/src': { forbid: [/^@mc\//, /^zod/, /^next/, /^react/, /^hono/, /^drizzle/, /^node:/], env: false },
  // The dashboard's data layer and feature folders run in the browser: the API only through @mc/client.
  'apps/web/src/data': { forbid: [/^@mc\/core/, /^@mc\/db/, /^@mc\/api/, /^drizzle/, /^zod$/], env: false },
  'apps/web/src/features': { forbid: [/^@mc\/core/, /^@mc\/db/, /^@mc\/api/, /^drizzle/], env: false, apiThroughClient: true },
};

// Every outbound connection to an address a user typed goes through one module, which refuses internal targets
// (ADR 0010): no other file of the domain or the REST app may open network clients or call fetch.
const OUTBOUND_MODULE = path.join('packages', 'core', 'src', 'shared', 'outbound.ts');
const OUTBOUND_SCOPE = ['packages/core/src', 'packages/api/src'];
const NETWORK_CLIENT = /^(node:)?(http|https|http2|net|tls|dns|dgram)(\/promises)?$|^(undici|axios|node-fetch|got|ky)$/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx|mts)$/.test(name) && !/\.test\.ts$/.test(name)) yield p;
  }
}

const problems = [];
for (const [dir, rule] of Object.entries(rules)) {
  let list = [];
  try {
    list = [...files(dir)];
  } catch {
    continue;
  }
  for (const file of list) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
      if (rule.forbid.some((re) => re.test(m[1]))) problems.push(`${file}: imports ${m[1]}`);
    }
    if (OUTBOUND_SCOPE.includes(dir) && file !== OUTBOUND_MODULE) {
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
        if (NETWORK_CLIENT.test(m[1])) problems.push(`${file}: imports ${m[1]} (outbound calls go through ${OUTBOUND_MODULE})`);
      }
      if (/(?<![\w.])fetch\s*\(/.test(text)) problems.push(`${file}: calls fetch (outbound calls go through ${OUTBOUND_MODULE})`);
    }
    if (rule.apiThroughClient && /(?<![\w.])fetch\s*\(|\bnew\s+EventSource\s*\(/.test(text)) {
      problems.push(`${file}: calls fetch or opens an EventSource (the dashboard calls the API through apps/web/src/data)`);
    }
    if (!rule.env && /process\.env/.test(text) && !(rule.allowEnvIn ?? []).some((f) => file.endsWith(f))) {
      problems.push(`${file}: reads process.env (only apps/web/src/env.ts may)`);
    }
  }
}
// ---- core's folders: a feature folder (activity, agents, auth, …) may import a lower one, never back (see
// docs/ARCHITECTURE.md, "The domain").
// shared/ and the files at core/src's root (context.ts, errors.ts) are the lowest layer: they import no feature
// folder. index.ts, the package's entry, re-exports everything and is left out of the folder graph.
const CORE = 'packages/core/src';
const BASE = 'shared';
const coreFiles = fileGraph(readTree(CORE));
const folderOf = (file) => (file === 'index.ts' ? null : file.includes('/') ? file.split('/')[0] : BASE);

const folders = folderGraph(coreFiles, folderOf);
for (const cycle of findCycles(folders.graph)) {
  const arrows = cycle.slice(0, -1).map((a, i) => `      ${a} → ${cycle[i + 1]}: ${folders.arrow(a, cycle[i + 1]).join(', ')}`);
  problems.push(`${CORE}: import cycle between folders ${cycle.join(' → ')}\n${arrows.join('\n')}`);
}
for (const [file, targets] of coreFiles) {
  if (folderOf(file) !== BASE) continue;
  for (const t of targets) {
    const f = folderOf(t);
    if (f !== BASE && f !== null) problems.push(`${CORE}/${file}: imports ${t} (shared/ and the root files are the lowest layer: they import no feature folder)`);
  }
}
for (const cycle of findCycles(coreFiles)) problems.push(`${CORE}: import cycle between files ${cycle.join(' → ')}`);

// ---- the zod-free entry of the contracts imports nothing (the dashboard pulls it in without a schema library).
const CONSTANTS = 'packages/contracts/src/constants.ts';
for (const m of readFileSync(CONSTANTS, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) {
  problems.push(`${CONSTANTS}: imports ${m[1] ?? m[2] ?? m[3]} (the zod-free entry imports nothing)`);
}

// ---- one way to build an error: the factories of core's errors.ts; `new DomainError(` nowhere else.
const ERRORS = path.join('packages', 'core', 'src', 'errors.ts');
const sourceDirs = [
  ...readdirSync('packages').flatMap((p) => ['src', 'test'].map((d) => path.join('packages', p, d))),
  ...['src', 'app'].map((d) => path.join('apps', 'web', d)),
].filter((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory());
for (const dir of sourceDirs) {
  for (const file of files(dir)) {
    if (file === ERRORS) continue;
    const text = readFileSync(file, 'utf8');
    if (!text.includes('new DomainError(')) continue;
    const lines = text.split('\n').flatMap((l, i) => (l.includes('new DomainError(') ? [i + 1] : []));
    problems.push(`${file}:${lines.join(',')}: new DomainError( (build errors with the factories of ${ERRORS})`);
  }
}

if (problems.length) {
  console.error('Layer boundaries broken (see DESIGN.md, "Dependency arrows"):\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log('layer boundaries ok');
