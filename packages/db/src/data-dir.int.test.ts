// The embedded database lives in the process, so its outage is a folder it cannot use: a file where the folder
// should be, or a full disk. Either must fail at once with a message that names the folder and the reason (not a
// bare errno, a hang or a stack dump). Tests run as root, where chmod does not make a folder unreadable, so the faults
// are real ones: a file in the way, and a small tmpfs filled to the brim (where this machine lets us mount one).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirError, isFreshDataDir, openDatabase } from './client';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mc-data-dir-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

async function openError(dataDir: string): Promise<DataDirError> {
  const err = await openDatabase({ dataDir }).then(
    async (db) => {
      await db.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataDirError);
  return err as DataDirError;
}

describe('an embedded data folder that cannot be used', () => {
  it('a file where the folder should be: refused at once, naming the folder', async () => {
    const file = path.join(root, 'db-is-a-file');
    writeFileSync(file, 'not a database');
    const err = await openError(file);
    expect(err.message).toBe(`the embedded database folder ${file} cannot be used: it is a file, not a folder`);
    expect(() => isFreshDataDir(file)).toThrow(DataDirError);
  });

  it('a file in the way on its path (MC_DATA_DIR is a file): refused, with the reason in words', async () => {
    const file = path.join(root, 'data-is-a-file');
    writeFileSync(file, '');
    const dbDir = path.join(file, 'db');
    const err = await openError(dbDir);
    expect(err.message).toMatch(new RegExp(`^the embedded database folder ${dbDir} cannot be used: a file is in the way of a folder on its path \\((ENOTDIR|EEXIST)\\)$`));
    expect(() => isFreshDataDir(dbDir)).toThrow(/a file is in the way/);
  });
});

/** A tmpfs of `size` at `dir`, or null when this machine does not let the tests mount one (no CAP_SYS_ADMIN). */
function mountTmpfs(dir: string, size: string): (() => void) | null {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  // Lazy: a PGlite that failed half-way may keep files open in this process until it is collected.
  return () => execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
}

const probe = path.join(os.tmpdir(), `mc-tmpfs-probe-${process.pid}`);
const canMount = (() => {
  const unmount = mountTmpfs(probe, '1m');
  unmount?.();
  rmSync(probe, { recursive: true, force: true });
  return !!unmount;
})();

describe.skipIf(!canMount)('a full disk (a small tmpfs)', () => {
  it('full before start: refused by the write check, saying the disk is full', async () => {
    const mnt = path.join(root, 'full');
    const unmount = mountTmpfs(mnt, '1m')!;
    try {
      // Fill it: write until the file system says no.
      try {
        for (let i = 0; ; i++) writeFileSync(path.join(mnt, `filler-${i}`), Buffer.alloc(256 * 1024));
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
      const err = await openError(path.join(mnt, 'db'));
      expect(err.message).toMatch(/cannot be used: .*the disk is full \(no space left on device\) \(ENOSPC\)$/);
    } finally {
      unmount();
    }
  });

  // Slow (an initdb that runs out of space): on the embedded run only, where the embedded database is what is tested.
  it.skipIf(!!process.env.TEST_DATABASE_URL)('filling up while the database is created: refused with the folder named, not a bare errno', async () => {
    const mnt = path.join(root, 'small');
    const unmount = mountTmpfs(mnt, '1m')!;
    try {
      const dbDir = path.join(mnt, 'db');
      const err = await openError(dbDir);
      expect(err.message).toBe(`the embedded database folder ${dbDir} cannot be used: the database in it does not open: the disk is full (no space left on device) (ENOSPC)`);
    } finally {
      unmount();
    }
  });
});
