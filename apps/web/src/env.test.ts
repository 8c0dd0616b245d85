import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadEnv as load, type LoadEnvOptions } from './env';

// Next's types make NODE_ENV required in ProcessEnv; these tests pass partial environments on purpose.
const loadEnv = (e: Record<string, string>, opts?: LoadEnvOptions) => load(e as NodeJS.ProcessEnv, opts);

describe('loadEnv: where the embedded database lives', () => {
  const cwd = process.cwd();
  afterEach(() => {
    process.chdir(cwd);
    vi.restoreAllMocks();
  });

  it('resolves a relative MC_DATA_DIR against the folder the command was run from', () => {
    const here = mkdtempSync(path.join(os.tmpdir(), 'mc-env-'));
    process.chdir(here);
    expect(loadEnv({ MC_DATA_DIR: 'mine' }).dbDir).toBe(path.join(here, 'mine', 'db'));
    expect(loadEnv({}).dataDir).toBe(path.join(here, 'data'));
  });

  it('keeps using the database an earlier version made in apps/web/data, with a notice, until ./data exists', () => {
    const here = mkdtempSync(path.join(os.tmpdir(), 'mc-env-'));
    const legacy = path.join(here, 'apps', 'web', 'data');
    process.chdir(here);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // No database there: the default stands.
    expect(loadEnv({}, { legacyDataDir: legacy }).dataDir).toBe(path.join(here, 'data'));
    mkdirSync(path.join(legacy, 'db'), { recursive: true });
    expect(loadEnv({}, { legacyDataDir: legacy }).dataDir).toBe(legacy);
    expect(warn).toHaveBeenCalledOnce();
    // An explicit MC_DATA_DIR always wins, and so does an existing ./data.
    expect(loadEnv({ MC_DATA_DIR: './data' }, { legacyDataDir: legacy }).dataDir).toBe(path.join(here, 'data'));
    mkdirSync(path.join(here, 'data'));
    expect(loadEnv({}, { legacyDataDir: legacy }).dataDir).toBe(path.join(here, 'data'));
  });
});
