// Start-up with an embedded data folder that cannot be used: the server process exits non-zero at once with one
// clear line naming the folder and the reason, instead of hanging or dumping a stack.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = mkdtempSync(path.join(os.tmpdir(), 'mc-start-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    const child = spawn(path.join(appDir, 'node_modules/.bin/tsx'), ['server.ts'], {
      cwd: appDir,
      env: { ...inherited, PORT: '0', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // Bounded: a server that hangs instead of failing is killed and fails the test.
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

it('MC_DATA_DIR is a file: exit 1 with one line that names the folder and the reason', { timeout: 60_000 }, async () => {
  const file = path.join(root, 'data');
  writeFileSync(file, 'not a folder');
  const { code, stderr } = await start({ MC_DATA_DIR: file });
  expect(code).toBe(1);
  expect(stderr.trim()).toBe(
    `[mc] failed to start: the embedded database folder ${path.join(file, 'db')} cannot be used: a file is in the way of a folder on its path (ENOTDIR)`,
  );
});
