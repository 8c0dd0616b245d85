// Gateways in the browser (issue 15): the instance admin adds an OpenClaw gateway on loopback (nothing listens there:
// this spec needs no live gateway), sees the server's connection attempt fail — `unreachable` with the refusal as its
// last error (the page polls) — and its hosted agents not read yet, with the token
// nowhere on the page; a link-local address is refused on its field; the gateway is renamed and given a new token
// (the field stays empty: the token is write-only), then deleted. Screenshots at 1366 px and phone width.
import { expect, test, type APIRequestContext } from '@playwright/test';
import os from 'node:os';
import path from 'node:path';
import { adminApi, ok, signIn, uniq } from './support';

test.describe.configure({ mode: 'serial' });

let admin: APIRequestContext;
let ws: { id: string; slug: string; name: string };
const tag = uniq();
const TOKEN = `e2e-gateway-token-${tag}`;
const shots = process.env.MC_E2E_SCREENSHOTS ?? path.join(os.tmpdir(), 'mc-e2e-screenshots');

test.beforeAll(async ({ baseURL }) => {
  admin = await adminApi(baseURL!);
  ws = await ok<{ id: string; slug: string; name: string }>(await admin.post('/api/v1/workspaces', { data: { name: `Gateways ${tag}`, slug: `gateways-${tag}` } }), 201);
});

test.afterAll(async () => {
  await admin?.dispose();
});

test('add a gateway, see it unreachable, edit it, delete it', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page);
  await page.goto(`/w/${ws.slug}`);
  await page.getByRole('link', { name: 'Gateways' }).click();
  await expect(page.getByRole('heading', { name: 'Gateways' })).toBeVisible();
  await expect(page.getByText('No gateways yet')).toBeVisible();

  await page.getByRole('button', { name: 'Add gateway' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: 'Name' }).fill(`Home lab ${tag}`);
  // Link-local: never, not even for the instance admin; the refusal is on the URL field.
  await dialog.getByRole('textbox', { name: 'WebSocket URL' }).fill('ws://169.254.169.254/');
  await dialog.getByLabel('Token').fill(TOKEN);
  await dialog.getByRole('button', { name: 'Add gateway' }).click();
  await expect(page.locator('#gateway-url-error')).toContainText(/never a gateway address/);
  // Loopback: fine for the instance admin.
  await dialog.getByRole('textbox', { name: 'WebSocket URL' }).fill('ws://127.0.0.1:18789');
  await dialog.getByRole('button', { name: 'Add gateway' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId('gateway-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('gateway-name')).toHaveText(`Home lab ${tag}`);
  // The server's runtime tries to connect at once; nothing listens on that port, so the state becomes unreachable.
  await expect(row.getByTestId('gateway-state')).toHaveAttribute('data-state', 'unreachable', { timeout: 30_000 });
  await expect(row.getByTestId('gateway-last-error')).toContainText(/ECONNREFUSED|refused/i);
  await expect(row.getByTestId('gateway-url')).toHaveText('ws://127.0.0.1:18789');
  await expect(row.getByTestId('gateway-no-agents')).toContainText('Not read yet');
  expect(await page.content()).not.toContain(TOKEN);
  await page.screenshot({ path: path.join(shots, 'gateways-1366.png'), fullPage: true });

  // Sync: recorded, said so.
  await row.getByRole('button', { name: 'Sync' }).click();
  await expect(page.getByTestId('gateways-notice')).toContainText('sync');

  // Edit: the token field starts empty (write-only); a new token and a new name are saved.
  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(dialog.getByLabel('New token (optional)')).toHaveValue('');
  await dialog.getByRole('textbox', { name: 'Name' }).fill(`Lab ${tag}`);
  await dialog.getByLabel('New token (optional)').fill(`${TOKEN}-2`);
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId('gateway-name')).toHaveText(`Lab ${tag}`);
  // A new token means a new connection attempt, to the same closed port.
  await expect(row.getByTestId('gateway-state')).toHaveAttribute('data-state', /connecting|unreachable/);
  expect(await page.content()).not.toContain(TOKEN);

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(row.getByTestId('gateway-name')).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'gateways-390.png'), fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });

  await row.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete gateway' }).click();
  await expect(page.getByTestId('gateway-row')).toHaveCount(0);
  await expect(page.getByText('No gateways yet')).toBeVisible();
  const left = await ok<unknown[]>(await admin.get(`/api/v1/gateways?workspaceId=${ws.id}`));
  expect(left).toEqual([]);
});
