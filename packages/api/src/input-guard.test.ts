import { describe, expect, it } from 'vitest';
import { findStringProblem, jsonNestsDeeperThan, MAX_JSON_DEPTH } from './input-guard';

const nested = (depth: number, inner = '0') => '['.repeat(depth) + inner + ']'.repeat(depth);

describe('jsonNestsDeeperThan', () => {
  it('counts arrays and objects, up to and beyond the bound', () => {
    expect(jsonNestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(jsonNestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":{"b":{"c":[1]}}}', 3)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":{"b":{"c":1}}}', 3)).toBe(false);
    // Siblings do not add up: depth is how deep, not how many.
    expect(jsonNestsDeeperThan(`[${Array.from({ length: 1000 }, () => '[]').join(',')}]`, 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(JSON.stringify({ title: '[[[[{{{{' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ title: 'say \\"[[[[\\" and "{{{"' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify(['\\', [[1]]]), 2)).toBe(true);
  });

  it('answers for 5,000 levels and for a megabyte of them without recursion', () => {
    expect(jsonNestsDeeperThan(nested(5000), MAX_JSON_DEPTH)).toBe(true);
    expect(jsonNestsDeeperThan(nested(500_000), MAX_JSON_DEPTH)).toBe(true);
  });
});

describe('findStringProblem', () => {
  it('accepts well-formed text, surrogate pairs (emoji) included', () => {
    expect(findStringProblem({ name: 'Ünïcödé 🚀', labels: ['a', '𝄞'], n: 1, b: true, z: null })).toBeNull();
    expect(findStringProblem('plain')).toBeNull();
    expect(findStringProblem(undefined)).toBeNull();
  });

  it('names the field holding NUL or an unpaired surrogate', () => {
    expect(findStringProblem({ name: '\ud800' })).toEqual({ path: ['name'], message: expect.stringMatching(/well-formed Unicode/) });
    expect(findStringProblem({ name: 'x\udc00y' })?.path).toEqual(['name']);
    // A low surrogate before a high one is not a pair.
    expect(findStringProblem({ name: '\udc00\ud800' })?.path).toEqual(['name']);
    expect(findStringProblem({ a: 'ok', labels: ['x', 'y', 'a\u0000'] })).toEqual({ path: ['labels', '2'], message: expect.stringMatching(/NUL/) });
    expect(findStringProblem({ a: [['ok', { b: ['\ud800'] }]] })?.path).toEqual(['a', '0', '1', 'b', '0']);
    expect(findStringProblem('\ud83d')).toEqual({ path: [], message: expect.stringMatching(/well-formed/) });
  });

  it('checks object keys and writes the bad character as an escape in the path', () => {
    expect(findStringProblem({ outer: { 'k\ud800': 1 } })).toEqual({ path: ['outer', 'k\\ud800'], message: expect.stringMatching(/^key .*well-formed/) });
    expect(findStringProblem({ 'a\u0000': 1 })?.path).toEqual(['a\\u0000']);
  });

  it('walks a wide value without recursion and a value as deep as the body bound allows', () => {
    const wide = Array.from({ length: 200_000 }, (_, i) => (i === 199_999 ? '\ud800' : 'x'));
    expect(findStringProblem(wide)?.path).toEqual(['199999']);
    const deep = JSON.parse(nested(MAX_JSON_DEPTH, '"\\udfff"'));
    expect(findStringProblem(deep)?.path).toEqual(Array(MAX_JSON_DEPTH).fill('0'));
  });
});
