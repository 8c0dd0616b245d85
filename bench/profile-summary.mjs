// Summarise a .cpuprofile: self time by package / file and top functions, plus inclusive time of selected frames.
import { readFileSync } from 'node:fs';
const prof = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++) { const id = prof.samples[i]; dt.set(id, (dt.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)); }
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const pkg = (url) => {
  if (!url) return '(native/vm)';
  const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url.replace(/^file:\/\/\/[^ ]*\/(apps|packages)\//, '$1/');
};
const agg = (keyf) => { const m = new Map(); for (const [id, t] of dt) { const n = byId.get(id); const k = keyf(n); m.set(k, (m.get(k) ?? 0) + t); } return [...m].sort((a, b) => b[1] - a[1]); };
const pr = (title, rows, k = 25) => { console.log(`\n## ${title}`); for (const [name, t] of rows.slice(0, k)) console.log(`${(100 * t / total).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(7)} ms  ${name}`); };
console.log(`total sampled ${(total / 1e6).toFixed(2)} s`);
pr('self time by package', agg((n) => (n.callFrame.functionName === '(idle)' || n.callFrame.functionName === '(program)' || n.callFrame.functionName === '(garbage collector)') ? n.callFrame.functionName : pkg(n.callFrame.url)));
pr('self time by function', agg((n) => `${n.callFrame.functionName || '(anon)'}  ${pkg(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`), 40);
// inclusive time of frames whose function name matches argv[3..]
const incl = new Map();
for (const [id, t] of dt) {
  const seen = new Set(); let cur = id;
  while (cur !== undefined) { const n = byId.get(cur); const key = `${n.callFrame.functionName || '(anon)'}  ${pkg(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`; if (!seen.has(key)) { seen.add(key); incl.set(key, (incl.get(key) ?? 0) + t); } cur = parent.get(cur); }
}
pr('inclusive time (top frames)', [...incl].sort((a, b) => b[1] - a[1]).filter(([k]) => !/^\(root\)|^\(anon\)  \(native/.test(k)), 70);
