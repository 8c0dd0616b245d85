// Webhook delivery survives a crash: the built server (dist/server.mjs) is killed with SIGKILL while deliveries are
// in flight (the receiver holds them unanswered) and others are pending or still undispatched in the outbox; a new
// server on the same data directory delivers every event once the receiver is back. Duplicates are allowed (that
// is at-least-once); each request must be correctly signed, and every event id must arrive.
// This spec starts its own servers (other ports, a temporary data directory); the config's server is not used.
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The independent verifier (a dev dependency of packages/api).
const { Webhook } = createRequire(path.join(root, 'packages/api/package.json'))('standardwebhooks') as typeof import('standardwebhooks');

const ADMIN_KEY = `mc_usr_crash_${Date.now().toString(36)}_0123456789abcdef`;
const TICKETS = 16;

function startServer(port: number, dataDir: string, log: string[]): ChildProcess {
  const child = spawn(process.execPath, [path.join(root, 'apps/web/dist/server.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      MC_DATA_DIR: dataDir,
      NODE_ENV: 'production',
      MC_INIT_ADMIN_EMAIL: 'crash-admin@e2e.test',
      MC_INIT_ADMIN_PASSWORD: 'crash-admin-password',
      MC_INIT_ADMIN_API_KEY: ADMIN_KEY,
      MC_WEBHOOK_ALLOW_PRIVATE: '1',
      MC_WEBHOOK_RETRY_BASE_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => log.push(String(d)));
  child.stderr!.on('data', (d) => log.push(String(d)));
  return child;
}

async function waitHealthy(base: string, child: ChildProcess, log: string[], timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${log.join('')}`);
    try {
      const r = await fetch(`${base}/api/v1/health`);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server not healthy in time:\n${log.join('')}`);
}

async function api(base: string, method: string, p: string, body?: unknown) {
  const r = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await r.json()) as { success: boolean; data: any };
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(json)}`);
  return json.data;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

test('kill -9 with deliveries in flight and pending: after a restart every event reaches the receiver, signed', async () => {
  test.setTimeout(240_000);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mc-crash-'));
  const log: string[] = [];
  let mode: 'hold' | 'up' = 'hold';
  let secret = '';
  const held: http.ServerResponse[] = [];
  const seen: { webhookId: string; eventId: string; ticketId: string; valid: boolean }[] = [];
  let heldCount = 0;
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (mode === 'hold') {
        // In flight: the server sent it and waits for an answer that never comes before it dies.
        heldCount++;
        held.push(res);
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      let valid = true;
      let payload = { id: '', data: { ticket: { id: '' } } };
      try {
        payload = new Webhook(secret).verify(body, req.headers as Record<string, string>) as typeof payload;
      } catch {
        valid = false;
      }
      seen.push({ webhookId: String(req.headers['webhook-id']), eventId: payload.id, ticketId: payload.data?.ticket?.id, valid });
      res.writeHead(valid ? 200 : 400).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let app = startServer(port, dataDir, log);
  try {
    await waitHealthy(base, app, log);
    const ws = await api(base, 'POST', '/api/v1/workspaces', { name: 'Crash test', slug: `crash-${Date.now().toString(36)}` });
    const hook = await api(base, 'POST', '/api/v1/webhooks', { workspaceId: ws.id, url: receiverUrl, events: ['ticket.created'] });
    secret = hook.secret;
    expect(secret).toMatch(/^whsec_/);

    const ticketIds: string[] = [];
    for (let i = 0; i < TICKETS; i++) ticketIds.push((await api(base, 'POST', '/api/v1/tickets', { workspaceId: ws.id, title: `crash ${i}` })).id);
    // Wait until deliveries are in flight (held by the receiver), then kill the server without warning.
    await expect.poll(() => heldCount, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    app.kill('SIGKILL');
    await new Promise((r) => app.once('exit', r));
    for (const res of held) res.destroy();
    expect(heldCount).toBeLessThan(TICKETS); // some were still pending (or in the outbox)

    // The receiver is back; a new server on the same data directory finishes the job.
    mode = 'up';
    app = startServer(port, dataDir, log);
    await waitHealthy(base, app, log);

    // Every ticket's event arrives (in-flight ones after their 20 s lease runs out), each correctly signed.
    await expect
      .poll(() => ticketIds.filter((id) => !seen.some((s) => s.valid && s.ticketId === id)).length, { timeout: 120_000, intervals: [500] })
      .toBe(0);
    expect(seen.every((s) => s.valid)).toBe(true);
    await expect
      .poll(async () => (await api(base, 'GET', `/api/v1/webhook-deliveries?webhookId=${hook.id}&status=succeeded&limit=200`)).length, { timeout: 30_000 })
      .toBe(TICKETS);
    // One delivery per event; a duplicate (at-least-once) carries the same webhook-id as the first.
    const deliveries = await api(base, 'GET', `/api/v1/webhook-deliveries?webhookId=${hook.id}&limit=200`);
    expect(deliveries).toHaveLength(TICKETS);
    const byDelivery = new Map(deliveries.map((d: { id: string; eventId: string }) => [d.id, d.eventId]));
    for (const s of seen) expect(byDelivery.get(s.webhookId)).toBe(s.eventId);
    // The tickets themselves are all there too.
    for (const id of ticketIds) expect((await api(base, 'GET', `/api/v1/tickets/${id}`)).id).toBe(id);
  } finally {
    if (app.exitCode === null) {
      app.kill('SIGTERM');
      await Promise.race([new Promise((r) => app.once('exit', r)), new Promise((r) => setTimeout(r, 10_000))]);
      if (app.exitCode === null) app.kill('SIGKILL');
    }
    receiver.closeAllConnections();
    receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
