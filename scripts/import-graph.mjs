// The import graph of a source tree and the cycles in it, for scripts/check-boundaries.mjs (and its test).
// Only relative imports are followed (`./x`, `../y/z`); package imports (`@mc/db`, `zod`) leave the tree.
// Type-only imports count too: a cycle of types is still two modules that cannot be understood apart.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';

/** The module specifiers a file imports or re-exports (static, side-effect and dynamic imports). */
export function importSpecifiers(text) {
  // comments that start a line are dropped (a commented-out import is no import); strings are left alone
  const code = text.replace(/^\s*\/\*[\s\S]*?\*\//gm, '').replace(/^\s*\/\/.*$/gm, '');
  return [...code.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

/** Every .ts/.tsx/.mts file under `dir` except tests, as paths relative to `dir` with '/' separators. */
export function sourceFiles(dir, rel = '') {
  const out = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) out.push(...sourceFiles(dir, r));
    else if (/\.(ts|tsx|mts)$/.test(name) && !/\.test\.tsx?$/.test(name) && !/\.d\.ts$/.test(name)) out.push(r);
  }
  return out;
}

/**
 * The file graph of a tree given as { 'a/x.ts': sourceText, … }: for each file, the files of the tree it imports.
 * A relative specifier resolves as TypeScript's bundler resolution does: `x`, `x.ts`, `x.tsx`, `x/index.ts`
 * (a `.js` ending names the `.ts` file).
 */
export function fileGraph(sources) {
  const has = (p) => Object.prototype.hasOwnProperty.call(sources, p);
  const graph = new Map();
  for (const [file, text] of Object.entries(sources)) {
    const targets = new Set();
    for (const spec of importSpecifiers(text)) {
      if (!spec.startsWith('.')) continue;
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec.replace(/\.(m?js)$/, '')));
      const hit = [base, `${base}.ts`, `${base}.tsx`, `${base}.mts`, `${base}/index.ts`].find(has);
      if (hit && hit !== file) targets.add(hit);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Reads a tree from disk into the { relativePath: text } shape fileGraph takes. */
export function readTree(dir) {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(sourceFiles(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

/**
 * The cycles of a graph: for every arrow a → b that lies on a cycle (inside a strongly connected component of more
 * than one node, found with Tarjan's algorithm) and is not yet on a listed cycle, the shortest cycle through it, as
 * a closed path [a, b, …, a]. Every arrow that has to go is thus shown in at least one cycle, and the list stays as
 * short as the arrows are few. Each cycle starts at its smallest node; deterministic (sorted).
 */
export function findCycles(graph) {
  const sorted = new Map([...graph].map(([v, ws]) => [v, [...ws].sort()]));
  const succ = (v) => sorted.get(v) ?? [];
  const cycles = new Map();
  const shown = new Set(); // arrows already on a listed cycle
  for (const comp of components(graph)) {
    for (const a of [...comp].sort()) {
      for (const b of succ(a)) {
        if (!comp.has(b) || shown.has(`${a}\u0000${b}`)) continue;
        const body = [a, ...shortestPath(succ, comp, b, a)].slice(0, -1);
        body.forEach((v, k) => shown.add(`${v}\u0000${body[(k + 1) % body.length]}`));
        let i = 0;
        body.forEach((v, k) => (v < body[i] ? (i = k) : 0));
        const rotated = [...body.slice(i), ...body.slice(0, i)];
        cycles.set(rotated.join('\u0000'), [...rotated, rotated[0]]);
      }
    }
  }
  return [...cycles.keys()].sort().map((k) => cycles.get(k));
}

// Tarjan's strongly connected components of more than one node (iterative, so deep graphs do not overflow).
function components(graph) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const out = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
  };
  for (const root of [...graph.keys()].sort()) {
    if (index.has(root)) continue;
    visit(root);
    const work = [[root, [...(graph.get(root) ?? [])].sort(), 0]];
    while (work.length) {
      const frame = work[work.length - 1];
      const [node, succ] = frame;
      if (frame[2] < succ.length) {
        const w = succ[frame[2]++];
        if (!index.has(w)) {
          visit(w);
          work.push([w, [...(graph.get(w) ?? [])].sort(), 0]);
        } else if (onStack.has(w)) low.set(node, Math.min(low.get(node), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === index.get(node)) {
        const comp = new Set();
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          comp.add(w);
        } while (w !== node);
        if (comp.size > 1) out.push(comp);
      }
    }
  }
  return out;
}

// The shortest path from `from` to `to` inside `comp` (breadth first), as [from, …, to].
function shortestPath(succ, comp, from, to) {
  if (from === to) return [to];
  const prev = new Map([[from, null]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (const w of succ(v)) {
      if (!comp.has(w) || prev.has(w)) continue;
      prev.set(w, v);
      if (w === to) {
        const out = [to];
        while (out[0] !== from) out.unshift(prev.get(out[0]));
        return out;
      }
      queue.push(w);
    }
  }
  return [from, to]; // unreachable inside a strongly connected component
}

/**
 * The folder graph over a file graph: `folderOf(file)` names a file's folder (or null to leave it out). Each arrow
 * keeps the file imports that make it, as 'from.ts → to.ts' strings.
 */
export function folderGraph(files, folderOf) {
  const graph = new Map();
  const why = new Map();
  for (const [file, targets] of files) {
    const a = folderOf(file);
    if (a == null) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    for (const t of targets) {
      const b = folderOf(t);
      if (b == null || b === a) continue;
      graph.get(a).add(b);
      const key = `${a}\u0000${b}`;
      if (!why.has(key)) why.set(key, []);
      why.get(key).push(`${file} → ${t}`);
    }
  }
  return { graph, arrow: (a, b) => why.get(`${a}\u0000${b}`) ?? [] };
}
