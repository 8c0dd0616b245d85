// The embedded database keeps its WebAssembly on V8's baseline compiler (`useBaselineWasmCompiler`, applied with
// `v8.setFlagsFromString`). That call ignores a flag V8 does not know, without a word, so a Node release that renamed
// or dropped one would silently bring back the memory it saves: check that the Node running the tests knows each.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_WASM_FLAGS } from './client';

describe('EMBEDDED_WASM_FLAGS', () => {
  it.each([...EMBEDDED_WASM_FLAGS])('%s is a flag this Node knows', (flag) => {
    const r = spawnSync(process.execPath, [flag, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
