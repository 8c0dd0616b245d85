// Issue #3 in a real browser: an agent registers over HTTP, an admin approves it on the Agents page, the agent
// fetches its key once, its heartbeat turns it online on the open page, and key rotation in the dashboard shows the
// new key once while the old one lives exactly as long as the chosen grace.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import http from 'node:http';
import { bearer, createWorkspace, ensureAdmin, signIn, uniq } from './support';

async function register(request: APIRequestContext, body: Record<string, unknown>) {
  const res = await request.post('/api/v1/agents', { data: body });
  expect(res.status(), await res.text()).toBe(202);
  const data = (await res.json()).data as { agentId: string; registrationSecret: string; status: string; pollUrl: string };
  expect(data.status).toBe('pending');
  return data;
}

async function registration(request: APIRequestContext, agentId: string, secret: string) {
  const res = await request.get(`/api/v1/agents/${agentId}/registration`, { headers: bearer(secret) });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).data as { status: string; apiKey: string | null; rejectionReason: string | null; keyDelivery: string | null };
}

async function meStatus(request: APIRequestContext, key: string): Promise<number> {
  return (await request.get('/api/v1/agents/me', { headers: bearer(key) })).status();
}

function row(page: Page, name: string) {
  return page.getByTestId(`agent-row-${name}`);
}

test.beforeEach(async ({ request }) => {
  await ensureAdmin(request);
});

test('an agent registers, is approved in the dashboard, fetches its key once, shows online live, and has its key rotated', async ({ page, request }) => {
  test.setTimeout(120_000);
  const run = uniq();
  const slug = `agents-${run}`;
  const name = `scout-${run}`;
  await signIn(page);
  await createWorkspace(page, `Agents ${run}`, slug);

  let agentId = '';
  let secret = '';
  let firstKey = '';

  await test.step('the Agents tab is empty, with the join instructions for this instance', async () => {
    await page.goto(`/w/${slug}`);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${slug}/agents$`));
    await expect(page.getByTestId('pending-empty')).toBeVisible();
    await expect(page.getByText('No agents yet')).toBeVisible();
    const help = page.getByTestId('how-agents-join');
    await help.getByText('Show the three calls').click();
    const origin = new URL(page.url()).origin;
    await expect(help.getByLabel('Register command')).toContainText(`${origin}/api/v1/agents`);
    await expect(help.getByLabel('Register command')).toContainText(`"workspace": "${slug}"`);
    await expect(help.getByLabel('Heartbeat command')).toContainText(`${origin}/api/v1/agents/me/heartbeat`);
  });

  await test.step('an agent registers over HTTP and appears in the queue without a reload', async () => {
    const reg = await register(request, {
      workspace: slug,
      name,
      capabilities: ['code', 'review'],
      description: 'Reads code and reviews pull requests',
      // Nothing listens there: the key callback fails, so the key waits for the registration poll.
      endpoint: 'http://127.0.0.1:9/mission-control',
    });
    agentId = reg.agentId;
    secret = reg.registrationSecret;
    expect((await registration(request, agentId, secret)).status).toBe('pending');

    const pending = page.getByTestId(`pending-agent-${name}`);
    await expect(pending).toBeVisible();
    await expect(page.getByTestId('pending-count')).toHaveText('1');
    await expect(pending).toContainText('Reads code and reviews pull requests');
    await expect(pending).toContainText('http://127.0.0.1:9/mission-control');
    await expect(pending.getByRole('listitem').filter({ hasText: /^code$/ })).toBeVisible();
    await expect(pending.getByRole('listitem').filter({ hasText: /^review$/ })).toBeVisible();
    await expect(pending.getByTestId('registration-ip')).toHaveText(/\S+/);
    // Relative time, absolute on hover.
    await expect(pending.locator('time')).toHaveText('just now');
    await expect(pending.locator('time')).toHaveAttribute('title', /\d{4}/);
  });

  await test.step('the admin approves it: the key waits for the registration poll', async () => {
    await page.getByRole('button', { name: `Approve ${name}` }).click();
    await expect(page.getByTestId('agent-decisions')).toContainText(`${name} was approved. The agent will fetch its key with its registration secret.`);
    await expect(page.getByTestId(`pending-agent-${name}`)).toHaveCount(0);
    await expect(page.getByTestId('pending-empty')).toBeVisible();
    const r = row(page, name);
    await expect(r.getByTestId('agent-status')).toHaveAttribute('data-status', 'active');
    await expect(r.getByTestId('agent-liveness')).toHaveAttribute('data-liveness', 'offline');
    await expect(r.getByTestId('agent-last-seen')).toHaveText('never seen');
  });

  await test.step('the agent fetches its key with its secret, exactly once', async () => {
    const first = await registration(request, agentId, secret);
    expect(first.status).toBe('active');
    expect(first.keyDelivery).toBe('registration_poll');
    expect(first.apiKey).toBeTruthy();
    firstKey = first.apiKey!;
    const second = await registration(request, agentId, secret);
    expect(second.status).toBe('active');
    expect(second.apiKey).toBeNull();
    // The secret is no key.
    expect(await meStatus(request, secret)).toBe(401);
  });

  await test.step('its heartbeat turns it online on the open page, without a reload', async () => {
    const r = row(page, name);
    await expect(r.getByTestId('agent-liveness')).toHaveAttribute('data-liveness', 'offline');
    const hb = await request.post('/api/v1/agents/me/heartbeat', { headers: bearer(firstKey) });
    expect(hb.status(), await hb.text()).toBe(200);
    expect((await hb.json()).data.liveness).toBe('online');
    await expect(r.getByTestId('agent-liveness')).toHaveAttribute('data-liveness', 'online');
    await expect(r.getByTestId('agent-liveness')).toContainText('Online');
    await expect(r.getByTestId('agent-last-seen')).toHaveText('last seen just now');
    await expect(page.getByTestId('agents-summary')).toContainText('1 online');

    const me = await request.get('/api/v1/agents/me', { headers: bearer(firstKey) });
    expect(me.status()).toBe(200);
    const agent = (await me.json()).data;
    expect(agent).toMatchObject({ id: agentId, name, status: 'active', capabilities: ['code', 'review'] });
  });

  let graceKey = '';
  await test.step('the admin rotates the key with a grace: the new key is shown once, the old one keeps working', async () => {
    await row(page, name).getByRole('button', { name: `Rotate key of ${name}` }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByLabel('Grace period for the current key')).toHaveValue('86400');
    await dialog.getByLabel('Grace period for the current key').selectOption({ label: '1 hour' });
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    const shown = dialog.getByTestId('rotated-agent-key');
    await expect(shown).toBeVisible();
    graceKey = (await shown.textContent())?.trim() ?? '';
    expect(graceKey).not.toBe(firstKey);
    expect(graceKey.length).toBeGreaterThan(20);
    const until = await dialog.getByTestId('previous-key-expires-at').getAttribute('datetime');
    const inMinutes = (new Date(until!).getTime() - Date.now()) / 60_000;
    expect(inMinutes).toBeGreaterThan(55);
    expect(inMinutes).toBeLessThan(65);

    await dialog.getByRole('button', { name: /done/ }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByTestId('rotated-agent-key')).toHaveCount(0);

    expect(await meStatus(request, graceKey)).toBe(200);
    expect(await meStatus(request, firstKey)).toBe(200);
  });

  await test.step('a rotation without grace stops every older key at once', async () => {
    await row(page, name).getByRole('button', { name: `Rotate key of ${name}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Grace period for the current key').selectOption('0');
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    const shown = dialog.getByTestId('rotated-agent-key');
    await expect(shown).toBeVisible();
    const newest = (await shown.textContent())?.trim() ?? '';
    await expect(dialog.getByTestId('previous-key-expires')).toHaveText('The previous key stopped working at once.');
    await dialog.getByRole('button', { name: /done/ }).click();
    await expect(page.getByTestId('rotated-agent-key')).toHaveCount(0);

    expect(await meStatus(request, firstKey)).toBe(401);
    expect(await meStatus(request, graceKey)).toBe(401);
    expect(await meStatus(request, newest)).toBe(200);

    // After a reload the key is nowhere on the page; the agent's page tells the story of its keys.
    await page.reload();
    await expect(page.getByText(newest)).toHaveCount(0);
    await row(page, name).getByRole('link', { name }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${slug}/agents/${agentId}$`));
    await expect(page.getByTestId('agent-name')).toHaveText(name);
    const story = page.getByTestId('key-story');
    await expect(story.getByText('First key fetched by the agent with its registration secret')).toBeVisible();
    await expect(story.getByText(/Key rotated by .* previous key kept 1 hour/)).toBeVisible();
    await expect(story.getByText(/Key rotated by .* no grace/)).toBeVisible();
  });
});

test('the queue: reject with a reason; lifecycle and profile edits on the agent page', async ({ page, request }) => {
  test.setTimeout(120_000);
  const run = uniq();
  const slug = `fleet-${run}`;
  await signIn(page);
  await createWorkspace(page, `Fleet ${run}`, slug);

  const spam = await register(request, { workspace: slug, name: `spam-${run}`, capabilities: ['crypto'] });
  const worker = await register(request, { workspace: slug, name: `worker-${run}`, capabilities: ['deploy'], description: 'Ships builds' });

  await page.goto(`/w/${slug}/agents`);
  await expect(page.getByTestId('pending-count')).toHaveText('2');

  await test.step('reject asks for a reason, and the agent sees it', async () => {
    await page.getByRole('button', { name: `Reject spam-${run}` }).click();
    const dialog = page.getByRole('dialog');
    const submit = dialog.getByRole('button', { name: 'Reject agent' });
    await expect(submit).toBeDisabled();
    await dialog.getByLabel('Reason').fill('Nobody here runs this agent');
    await submit.click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByTestId('agent-decisions')).toContainText(`spam-${run} was rejected.`);
    const r = row(page, `spam-${run}`);
    await expect(r.getByTestId('agent-status')).toHaveAttribute('data-status', 'rejected');
    await expect(r).toContainText('Rejected: Nobody here runs this agent');
    const reg = await registration(request, spam.agentId, spam.registrationSecret);
    expect(reg).toMatchObject({ status: 'rejected', apiKey: null, rejectionReason: 'Nobody here runs this agent' });
  });

  await test.step('filters and search', async () => {
    await page.getByRole('button', { name: `Approve worker-${run}` }).click();
    await expect(row(page, `worker-${run}`).getByTestId('agent-status')).toHaveAttribute('data-status', 'active');
    await page.getByLabel('Status').selectOption('rejected');
    await expect(row(page, `spam-${run}`)).toBeVisible();
    await expect(row(page, `worker-${run}`)).toHaveCount(0);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Capability', { exact: true }).selectOption('deploy');
    await expect(row(page, `worker-${run}`)).toBeVisible();
    await expect(row(page, `spam-${run}`)).toHaveCount(0);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Search').fill('ships');
    await expect(row(page, `worker-${run}`)).toBeVisible();
    await expect(row(page, `spam-${run}`)).toHaveCount(0);
    await page.getByLabel('Search').fill('');
    await expect(row(page, `spam-${run}`)).toBeVisible();
  });

  const key = (await registration(request, worker.agentId, worker.registrationSecret)).apiKey!;
  expect(key).toBeTruthy();

  await test.step('deactivate stops its key; activate brings it back', async () => {
    await row(page, `worker-${run}`).getByRole('button', { name: `Deactivate worker-${run}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Deactivate agent' }).click();
    await expect(row(page, `worker-${run}`).getByTestId('agent-status')).toHaveAttribute('data-status', 'deactivated');
    expect(await meStatus(request, key)).toBe(401);
    await row(page, `worker-${run}`).getByRole('button', { name: `Activate worker-${run}` }).click();
    await expect(row(page, `worker-${run}`).getByTestId('agent-status')).toHaveAttribute('data-status', 'active');
    expect(await meStatus(request, key)).toBe(200);
  });

  await test.step('edit the profile; a stale edit is refused and can be reloaded', async () => {
    await row(page, `worker-${run}`).getByRole('link', { name: `worker-${run}` }).click();
    await expect(page.getByTestId('agent-name')).toHaveText(`worker-${run}`);
    await page.getByRole('button', { name: 'Edit profile' }).click();
    await page.getByLabel('Capabilities').fill('deploy, rollback');
    await page.getByLabel('Description').fill('Ships and rolls back builds');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect(page.getByText('Profile saved.')).toBeVisible();
    await expect(page.getByRole('listitem').filter({ hasText: /^rollback$/ })).toBeVisible();

    // Start editing, then the agent changes its own profile: saving the stale form is refused.
    await page.getByRole('button', { name: 'Edit profile' }).click();
    await page.getByLabel('Description').fill('My edit');
    const self = await request.patch(`/api/v1/agents/${worker.agentId}`, { headers: bearer(key), data: { description: 'Changed by the agent' } });
    expect(self.status(), await self.text()).toBe(200);
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect(page.getByTestId('stale-agent')).toBeVisible();
    await page.getByTestId('stale-agent').getByRole('button', { name: 'Reload' }).click();
    await expect(page.getByText('Changed by the agent')).toBeVisible();
    await expect(page.getByTestId('agent-history')).toContainText('updated description');
  });

  await test.step('delete asks first, then the key stops and the agent leaves the list', async () => {
    await page.getByRole('button', { name: `Delete worker-${run}` }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('cannot be undone');
    await dialog.getByRole('button', { name: 'Delete agent' }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${slug}/agents$`));
    await expect(row(page, `spam-${run}`)).toBeVisible();
    await expect(row(page, `worker-${run}`)).toHaveCount(0);
    expect(await meStatus(request, key)).toBe(401);
  });
});

/** A real agent endpoint on loopback (the e2e server allows private targets): it records what it is sent. */
async function startReceiver(): Promise<{ url: string; received: Record<string, unknown>[]; close: () => Promise<void> }> {
  const received: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        received.push(JSON.parse(body));
      } catch {
        received.push({ raw: body });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  // Ports 3250..3299 are ours for such helpers.
  for (let port = 3250; port < 3300; port++) {
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return { url: `http://127.0.0.1:${port}/mission-control`, received, close: () => new Promise((r) => (server.close(() => r()), server.closeAllConnections())) };
  }
  throw new Error('no free port in 3250..3299 for the agent endpoint');
}

test('an agent with a reachable endpoint gets its key delivered there on approval', async ({ page, request }) => {
  const run = uniq();
  const slug = `callback-${run}`;
  const name = `courier-${run}`;
  const receiver = await startReceiver();
  try {
    await signIn(page);
    await createWorkspace(page, `Callback ${run}`, slug);
    const reg = await register(request, { workspace: slug, name, endpoint: receiver.url });
    await page.goto(`/w/${slug}/agents`);
    await page.getByRole('button', { name: `Approve ${name}` }).click();
    await expect(page.getByTestId('agent-decisions')).toContainText(`${name} was approved. Key delivered to the agent's endpoint.`);

    const delivered = receiver.received.find((m) => m.type === 'agent.approved');
    expect(delivered).toMatchObject({ type: 'agent.approved', agentId: reg.agentId });
    const key = delivered!.apiKey as string;
    expect(await meStatus(request, key)).toBe(200);
    // The registration poll never hands out a second key.
    expect(await registration(request, reg.agentId, reg.registrationSecret)).toMatchObject({ status: 'active', apiKey: null, keyDelivery: 'endpoint_callback' });

    await row(page, name).getByRole('link', { name }).click();
    await expect(page.getByTestId('key-story').getByText("First key delivered to the agent's endpoint")).toBeVisible();
  } finally {
    await receiver.close();
  }
});
