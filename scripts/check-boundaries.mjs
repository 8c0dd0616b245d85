#!/usr/bin/env node
// Enforces the dependency arrows of DESIGN.md: contracts → zod only; db → nothing internal; core → db, contracts;
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
  'packages/api/src': { forbid: [/^@mc\/db/, /^@mc\/web/, /^next/, /^react/, /^drizzle/], env: false },
  'apps/web/app': { forbid: [/^@mc\/core/, /^@mc\/db/, /^@mc\/api/, /^drizzle/], env: false },
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

/**
 * TEMPORARY, remove when the lifecycle branch (issue 12, point 1) is merged: notifications/notify.ts imports
 * tickets/lease.ts (LEASE_MINUTES) while tickets/update-ticket.ts imports notify.ts. That branch owns both files and
 * removes the arrow; until then, exactly this one folder arrow is left out of the cycle check (and said so).
 */
const TEMPORARY_ALLOWED_FOLDER_ARROWS = [{ from: 'notifications', to: 'tickets', why: 'tickets↔notifications, removed by the lifecycle branch' }];

const folders = folderGraph(coreFiles, folderOf);
for (const { from, to, why } of TEMPORARY_ALLOWED_FOLDER_ARROWS) {
  if (folders.graph.get(from)?.has(to)) {
    folders.graph.get(from).delete(to);
    console.warn(`note: folder arrow ${from} → ${to} allowed for now (${why}): ${folders.arrow(from, to).join(', ')}`);
  } else console.warn(`note: the temporary allowance ${from} → ${to} is no longer needed: remove it from ${path.basename(process.argv[1])}`);
}
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
/** TEMPORARY, remove when the lifecycle branch is merged: it converts core's tickets/ to the factories. */
const TEMPORARY_DOMAIN_ERROR_ALLOWED_UNDER = [path.join('packages', 'core', 'src', 'tickets') + path.sep];
let allowedDomainErrors = 0;
const sourceDirs = [
  ...readdirSync('packages').flatMap((p) => ['src', 'test'].map((d) => path.join('packages', p, d))),
  ...['src', 'app'].map((d) => path.join('apps', 'web', d)),
].filter((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory());
for (const dir of sourceDirs) {
  for (const file of files(dir)) {
    if (file === ERRORS) continue;
    const text = readFileSync(file, 'utf8');
    if (!text.includes('new DomainError(')) continue;
    if (TEMPORARY_DOMAIN_ERROR_ALLOWED_UNDER.some((d) => file.startsWith(d))) {
      allowedDomainErrors++;
      continue;
    }
    const lines = text.split('\n').flatMap((l, i) => (l.includes('new DomainError(') ? [i + 1] : []));
    problems.push(`${file}:${lines.join(',')}: new DomainError( (build errors with the factories of ${ERRORS})`);
  }
}
if (allowedDomainErrors) console.warn(`note: new DomainError( allowed for now in ${allowedDomainErrors} file(s) under ${TEMPORARY_DOMAIN_ERROR_ALLOWED_UNDER.join(', ')} (the lifecycle branch converts them)`);
else console.warn(`note: the temporary allowance of new DomainError( under ${TEMPORARY_DOMAIN_ERROR_ALLOWED_UNDER.join(', ')} is no longer needed: remove it`);

if (problems.length) {
  console.error('Layer boundaries broken (see DESIGN.md, "Dependency arrows"):\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.log('layer boundaries ok');
