// Webhooks in the browser: an admin registers an endpoint pointing at a real HTTP receiver started here (the
// server runs with MC_WEBHOOK_ALLOW_PRIVATE=1 and a 500 ms retry base, see playwright.config.ts), sees its secret
// once, and the receiver verifies every delivery with the reference `standardwebhooks` library. Failed attempts
// show up in the deliveries table and the delivery page; Redeliver after the receiver recovers succeeds. Then
// rotation (both secrets sign during the grace), editing, disabling and deleting; a member sees none of it.
import { expect, request as playwrightRequest, test, type APIRequestContext, type Page } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { ADMIN, ensureAdmin, signIn, uniq } from './support';

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1360, height: 1000 } });

interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  payload: { id: string; type: string; data: { ticket?: { id: string; title: string } } };
  answered: number;
}

/** A webhook receiver on loopback: records every request; answers 500 to events about a ticket whose title has `failMarker`. */
class Receiver {
  readonly received: Received[] = [];
  failMarker: string | null = null;
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: Received['payload'];
      try {
        payload = JSON.parse(body);
      } catch {
        res.writeHead(400).end('not json');
        return;
      }
      const fail = this.failMarker !== null && (payload.data?.ticket?.title ?? '').includes(this.failMarker);
      const answered = fail ? 500 : 200;
      this.received.push({
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body,
        payload,
        answered,
      });
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(fail ? `receiver down for ${payload.id}` : `ok ${payload.id}`);
    });
  });
  url = '';

  async start(path: string) {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  forTicket(ticketId: string): Received[] {
    return this.received.filter((r) => r.payload.data?.ticket?.id === ticketId);
  }
}

function headersOf(r: Received): Record<string, string> {
  return { 'webhook-id': r.id, 'webhook-timestamp': r.timestamp, 'webhook-signature': r.signature };
}

async function ok<T = any>(res: Awaited<ReturnType<APIRequestContext['get']>>, status = 200): Promise<T> {
  expect(res.status(), `${res.url()} → ${await res.text()}`).toBe(status);
  return (await res.json()).data as T;
}

let admin: APIRequestContext;
let ws: { id: string; slug: string };
const receiver = new Receiver();
const tag = uniq();
let secret = '';
let webhookId = '';

async function createTicket(title: string): Promise<{ id: string; number: number }> {
  return ok(await admin.post('/api/v1/tickets', { data: { workspaceId: ws.id, title } }), 201);
}

/** The first delivery of the ticket's `ticket.created` event, once the receiver has it. */
async function receivedFor(ticketId: string, atLeast = 1): Promise<Received[]> {
  await expect.poll(() => receiver.forTicket(ticketId).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(atLeast);
  return receiver.forTicket(ticketId);
}

function deliveryRow(page: Page, deliveryId: string) {
  return page.locator(`[data-testid="delivery-row"][data-delivery-id="${deliveryId}"]`);
}

function endpointRow(page: Page) {
  return page.getByTestId('webhook-row').filter({ hasText: receiver.url });
}

async function openWebhooks(page: Page) {
  await page.goto(`/w/${ws.slug}/webhooks`);
  await expect(page.getByRole('heading', { name: 'Webhook endpoints' })).toBeVisible();
}

test.beforeAll(async ({ baseURL }) => {
  await receiver.start(`/hooks/${tag}`);
  admin = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
  await ensureAdmin(admin);
  await ok(await admin.post('/api/v1/auth/login', { data: { email: ADMIN.email, password: ADMIN.password } }));
  ws = await ok(await admin.post('/api/v1/workspaces', { data: { name: `Hooks ${tag}`, slug: `hooks-${tag}` } }), 201);
});

test.afterAll(async () => {
  await admin?.dispose();
  await receiver.stop();
});

test('an admin registers an endpoint, sees its secret once, and deliveries verify with standardwebhooks', async ({ page }) => {
  await signIn(page);
  await page.goto(`/w/${ws.slug}`);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}/webhooks$`));
  await expect(page.getByText('No webhooks yet')).toBeVisible();
  await expect(page.getByText('No deliveries yet')).toBeVisible();

  await test.step('create: URL, description and an event filter; the secret is shown once', async () => {
    await page.getByRole('button', { name: 'New webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'New webhook' });
    await dialog.getByLabel('Endpoint URL').fill(receiver.url);
    await dialog.getByLabel('Description').fill('e2e receiver');
    await expect(dialog.getByLabel('All events')).toBeChecked();
    await dialog.getByLabel('All events').uncheck();
    // Nothing picked: the form says so instead of creating an endpoint for every event.
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    await expect(dialog.getByText('Pick at least one event, or choose All events.')).toBeVisible();
    await dialog.getByLabel('ticket.created', { exact: true }).check();
    await dialog.getByLabel('comment.created', { exact: true }).check();
    await dialog.getByRole('button', { name: 'Create webhook' }).click();

    const done = page.getByRole('dialog', { name: 'Webhook created' });
    const shown = done.getByTestId('webhook-secret');
    await expect(shown).toHaveText(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    secret = (await shown.textContent())!.trim();
    await expect(done).toContainText('standardwebhooks');
    await done.getByRole('button', { name: /saved it/ }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByTestId('webhook-secret')).toHaveCount(0);
  });

  await test.step('the endpoint is listed with its filter and status; the API never shows the secret again', async () => {
    const row = endpointRow(page);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('e2e receiver');
    await expect(row.getByTestId('webhook-events')).toHaveAttribute('data-all', 'false');
    await expect(row.getByTestId('webhook-events').getByRole('listitem')).toHaveText(['ticket.created', 'comment.created']);
    await expect(row.getByTestId('webhook-status')).toHaveAttribute('data-status', 'enabled');
    await expect(row.getByTestId('webhook-status')).toContainText('Active');
    webhookId = (await row.getAttribute('data-webhook-id'))!;
    const listed = await ok<Record<string, unknown>[]>(await admin.get(`/api/v1/webhooks?workspaceId=${ws.id}`));
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(secret);
    await page.reload();
    await expect(endpointRow(page)).toHaveCount(1);
    await expect(page.getByTestId('webhook-secret')).toHaveCount(0);
  });

  await test.step('a ticket created over the API reaches the receiver, signed: standardwebhooks verifies it', async () => {
    const ticket = await createTicket(`Hello hooks ${tag}`);
    const [got] = await receivedFor(ticket.id);
    expect(got.payload.type).toBe('ticket.created');
    expect(got.id).toMatch(/^whd_/);
    const verified = new Webhook(secret).verify(got.body, headersOf(got)) as Received['payload'];
    expect(verified.data.ticket?.id).toBe(ticket.id);
    // A tampered body or another secret does not verify.
    expect(() => new Webhook(secret).verify(got.body.replace('Hello', 'Hijack'), headersOf(got))).toThrow();
    expect(() => new Webhook(`whsec_${Buffer.from('some other secret, 32 bytes long!').toString('base64')}`).verify(got.body, headersOf(got))).toThrow();

    // The table shows it succeeded, with the attempt's status code (the poll brings it in without a reload).
    const row = deliveryRow(page, got.id);
    await expect(row).toHaveAttribute('data-status', 'succeeded', { timeout: 20_000 });
    await expect(row).toHaveAttribute('data-event-id', got.payload.id);
    await expect(row.getByTestId('delivery-last-code')).toHaveText('HTTP 200');
    await expect(row.getByTestId('delivery-attempts')).toHaveText('1 / 12');
    await expect(row).toContainText('ticket.created');
    await expect(row).toContainText(receiver.url);

    // The delivery page lists the attempt: status code, latency, what the receiver answered.
    await row.getByRole('link', { name: `Delivery ${got.id}` }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}/webhooks/deliveries/${got.id}$`));
    const detail = page.getByTestId('delivery-detail');
    await expect(detail).toHaveAttribute('data-status', 'succeeded');
    const attempt = detail.getByTestId('attempt-row');
    await expect(attempt).toHaveCount(1);
    await expect(attempt).toHaveAttribute('data-ok', 'true');
    await expect(attempt.getByTestId('attempt-status-code')).toHaveText('HTTP 200');
    await expect(attempt.getByTestId('attempt-latency')).toHaveText(/^\d+ ms$/);
    await expect(attempt.getByTestId('attempt-excerpt')).toHaveText(`ok ${got.payload.id}`);
    await expect(detail.getByTestId('delivery-payload')).toContainText(ticket.id);
  });
});

test('a failing receiver: the failed attempts are shown, and Redeliver after it recovers succeeds', async ({ page }) => {
  receiver.failMarker = `FAIL-${tag}`;
  await signIn(page);
  await openWebhooks(page);
  const ticket = await createTicket(`Break the receiver FAIL-${tag}`);
  const [first] = await receivedFor(ticket.id);
  expect(first.answered).toBe(500);
  // Even failed attempts are signed properly.
  new Webhook(secret).verify(first.body, headersOf(first));

  await test.step('the table shows it pending, with the failed status code; the status filter finds it', async () => {
    const row = deliveryRow(page, first.id);
    await expect(row).toHaveAttribute('data-status', 'pending', { timeout: 20_000 });
    await expect(row.getByTestId('delivery-last-code')).toHaveText('HTTP 500');
    await page.getByLabel('Status').selectOption('succeeded');
    await expect(row).toHaveCount(0);
    await expect(page.getByTestId('delivery-row').first()).toHaveAttribute('data-status', 'succeeded');
    await page.getByLabel('Status').selectOption('pending');
    await expect(row).toBeVisible();
    await expect(page.getByTestId('delivery-row')).toHaveCount(1);
    // The endpoint shows its failure streak.
    await expect(endpointRow(page).getByTestId('webhook-failures')).toContainText('failed', { timeout: 20_000 });
  });

  let attemptsMade = 0;
  await openDelivery(page, first.id);
  const detail = page.getByTestId('delivery-detail');

  await test.step('the delivery page lists the failed attempts with the answer', async () => {
    const failed = detail.locator('[data-testid="attempt-row"][data-ok="false"]');
    await expect(failed.first()).toBeVisible();
    await expect(failed.first().getByTestId('attempt-status-code')).toHaveText('HTTP 500');
    await expect(failed.first().getByTestId('attempt-excerpt')).toHaveText(`receiver down for ${first.payload.id}`);
    // The retries back off (500 ms, 2 s, 8 s, then 32 s): after the fourth failure the next scheduled attempt is
    // far enough away that the success below can only come from Redeliver.
    await expect
      .poll(async () => (await ok<{ attemptCount: number }>(await admin.get(`/api/v1/webhook-deliveries/${first.id}`))).attemptCount, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(4);
    await expect(detail.locator('[data-testid="attempt-row"][data-ok="false"]')).toHaveCount(4, { timeout: 10_000 });
    await expect(detail).toHaveAttribute('data-status', 'pending');
    await expect(detail.getByTestId('delivery-next-attempt')).toBeVisible();
  });

  await test.step('the receiver recovers; Redeliver makes a manual attempt that succeeds', async () => {
    receiver.failMarker = null;
    await detail.getByRole('button', { name: 'Redeliver' }).click();
    await expect(detail).toHaveAttribute('data-status', 'succeeded', { timeout: 20_000 });
    const manual = detail.locator('[data-testid="attempt-row"][data-trigger="manual"]');
    await expect(manual).toHaveCount(1);
    await expect(manual).toHaveAttribute('data-ok', 'true');
    // Every attempt before it failed; it is the one after them.
    const failedCount = await detail.locator('[data-testid="attempt-row"][data-ok="false"]').count();
    expect(failedCount).toBeGreaterThanOrEqual(4);
    await expect(manual).toHaveAttribute('data-attempt', String(failedCount + 1));
    attemptsMade = failedCount + 1;
    await expect(manual.getByTestId('attempt-status-code')).toHaveText('HTTP 200');
    // The same webhook-id as the failed attempts, so the receiver can dedupe; a fresh, valid signature.
    const all = receiver.forTicket(ticket.id);
    const last = all[all.length - 1];
    expect(last.answered).toBe(200);
    expect(new Set(all.map((r) => r.id))).toEqual(new Set([first.id]));
    new Webhook(secret).verify(last.body, headersOf(last));
  });

  await test.step('back in the list it is succeeded, and the failure streak is over', async () => {
    await page.getByRole('link', { name: /All webhooks and deliveries/ }).click();
    const row = deliveryRow(page, first.id);
    await expect(row).toHaveAttribute('data-status', 'succeeded');
    await expect(row.getByTestId('delivery-attempts')).toHaveText(`${attemptsMade} / 12`);
    await expect(endpointRow(page).getByTestId('webhook-failures')).toHaveCount(0);
  });
});

async function openDelivery(page: Page, deliveryId: string) {
  await deliveryRow(page, deliveryId).getByRole('link', { name: `Delivery ${deliveryId}` }).click();
  await expect(page.getByTestId('delivery-detail')).toHaveAttribute('data-delivery-id', deliveryId);
}

test('rotate the secret with a grace (both sign), edit the filter, disable, enable, delete', async ({ page }) => {
  await signIn(page);
  await openWebhooks(page);
  const row = endpointRow(page);
  const previous = secret;

  await test.step('rotate: the new secret is shown once with the end of the grace', async () => {
    await row.getByRole('button', { name: `Rotate secret of ${receiver.url}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the signing secret' });
    await expect(dialog.getByLabel('Grace period for the current secret')).toHaveValue('86400');
    await dialog.getByLabel('Grace period for the current secret').selectOption({ label: '1 hour' });
    await dialog.getByRole('button', { name: 'Rotate secret' }).click();
    const done = page.getByRole('dialog', { name: 'New signing secret' });
    const shown = done.getByTestId('rotated-webhook-secret');
    await expect(shown).toHaveText(/^whsec_/);
    secret = (await shown.textContent())!.trim();
    expect(secret).not.toBe(previous);
    const until = await done.getByTestId('previous-secret-expires-at').getAttribute('datetime');
    const inMinutes = (new Date(until!).getTime() - Date.now()) / 60_000;
    expect(inMinutes).toBeGreaterThan(55);
    expect(inMinutes).toBeLessThan(65);
    await done.getByRole('button', { name: /saved it/ }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(row).toContainText('the previous secret also signs until');
  });

  await test.step('during the grace a delivery verifies with the new secret and with the previous one', async () => {
    const ticket = await createTicket(`After rotation ${tag}`);
    const [got] = await receivedFor(ticket.id);
    expect(got.signature.split(' ')).toHaveLength(2);
    new Webhook(secret).verify(got.body, headersOf(got));
    new Webhook(previous).verify(got.body, headersOf(got));
  });

  await test.step('edit: every event, a new description', async () => {
    await row.getByRole('button', { name: `Edit ${receiver.url}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit webhook' });
    await expect(dialog.getByLabel('Endpoint URL')).toHaveValue(receiver.url);
    await expect(dialog.getByLabel('ticket.created', { exact: true })).toBeChecked();
    await expect(dialog.getByLabel('ticket.moved', { exact: true })).not.toBeChecked();
    await dialog.getByLabel('All events').check();
    await dialog.getByLabel('Description').fill('e2e receiver, every event');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(row.getByTestId('webhook-events')).toHaveAttribute('data-all', 'true');
    await expect(row).toContainText('e2e receiver, every event');
    // An event the old filter left out now arrives.
    const ticket = await createTicket(`Every event ${tag}`);
    await ok(await admin.patch(`/api/v1/tickets/${ticket.id}`, { data: { priority: 'urgent' } }));
    await expect.poll(() => receiver.forTicket(ticket.id).map((r) => r.payload.type), { timeout: 20_000 }).toContain('ticket.updated');
  });

  await test.step('disable (with a confirmation), then enable again', async () => {
    await row.getByRole('button', { name: `Disable ${receiver.url}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Disable this webhook?' });
    await confirm.getByRole('button', { name: 'Disable webhook' }).click();
    await expect(row.getByTestId('webhook-status')).toHaveAttribute('data-status', 'disabled');
    await expect(row.getByTestId('webhook-disabled-reason')).toContainText('disabled by an admin');
    await row.getByRole('button', { name: `Enable ${receiver.url}` }).click();
    await expect(row.getByTestId('webhook-status')).toHaveAttribute('data-status', 'enabled');
    await expect(row.getByTestId('webhook-disabled-reason')).toHaveCount(0);
  });

  await test.step('delete (with a confirmation)', async () => {
    await row.getByRole('button', { name: `Delete ${receiver.url}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this webhook?' });
    await confirm.getByRole('button', { name: 'Delete webhook' }).click();
    await expect(row).toHaveCount(0);
    await expect(page.getByText('No webhooks yet')).toBeVisible();
    expect((await admin.get(`/api/v1/webhooks/${webhookId}`)).status()).toBe(404);
  });
});

test('a member sees no Webhooks tab, and the page says it is for admins', async ({ page }) => {
  const member = { name: `Hook member ${tag}`, email: `hook-member-${tag}@e2e.test`, password: 'member-password-1' };
  await ok(await admin.post('/api/v1/users', { data: member }), 201);
  await ok(await admin.post(`/api/v1/workspaces/${ws.id}/members`, { data: { email: member.email, role: 'member' } }), 201);
  await signIn(page, member);
  await page.goto(`/w/${ws.slug}`);
  const tabs = page.getByRole('navigation', { name: 'Sections' });
  await expect(tabs.getByRole('link', { name: 'Activity' })).toBeVisible();
  await expect(tabs.getByRole('link', { name: 'Webhooks' })).toHaveCount(0);
  await page.goto(`/w/${ws.slug}/webhooks`);
  await expect(page.getByText('Webhooks are for workspace admins')).toBeVisible();
  expect((await page.request.get(`/api/v1/webhooks?workspaceId=${ws.id}`)).status()).toBe(403);
});
