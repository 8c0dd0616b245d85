import { describe, expect, it } from 'vitest';
import { missingServerEnv, missingServerFlags, SERVER_ENV, SERVER_NODE_FLAGS } from './server-flags.mjs';

describe('the server Node flags the run command adds', () => {
  it('adds every flag when none is given', () => {
    expect(missingServerFlags([], '')).toEqual(SERVER_NODE_FLAGS);
    expect(missingServerFlags(['--enable-source-maps'], undefined)).toEqual(SERVER_NODE_FLAGS);
  });

  it('adds none that the command line or NODE_OPTIONS already sets, whatever its value (so it re-executes once)', () => {
    expect(missingServerFlags(['--max-semi-space-size=4'], '')).toEqual([]);
    expect(missingServerFlags(['--max-semi-space-size=16'], '')).toEqual([]);
    expect(missingServerFlags([], '--max_semi_space_size=8 --enable-source-maps')).toEqual([]);
  });
});

describe('the server environment the run command adds', () => {
  it('adds every variable the environment lacks', () => {
    expect(missingServerEnv({})).toEqual(SERVER_ENV);
    expect(missingServerEnv({ MALLOC_ARENA_MAX: '' })).toEqual(SERVER_ENV);
  });

  it('leaves a variable already set, whatever its value (so it re-executes once)', () => {
    expect(missingServerEnv({ MALLOC_ARENA_MAX: '2' })).toEqual({});
    expect(missingServerEnv({ MALLOC_ARENA_MAX: '8' })).toEqual({});
  });
});
