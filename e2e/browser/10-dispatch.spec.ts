// Dispatch from the ticket page: a member hands a ticket to its assigned agent, whose endpoint is a real HTTP
// receiver started here (the server runs with MC_WEBHOOK_ALLOW_PRIVATE=1). The receiver checks the Standard
// Webhooks signature with the secret derived from the agent's key; the page shows the execution the dispatch
// started, and its outcome once the agent reports it over REST. A viewer is not offered the action.
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { adminApi, bearer, ok, registerAgent, signIn, uniq } from './support';

test.use({ viewport: { width: 1366, height: 1000 } });

interface Dispatched {
  headers: Record<string, string>;
  body: string;
  payload: { type: string; data: { execution: { id: string; reportPath: string }; ticket: { id: string }; task: { instructions: string | null } } };
}

test('a member dispatches a ticket to its agent and sees the execution it started; a viewer is not offered it', async ({ page, baseURL }) => {
  const received: Dispatched[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const payload = JSON.parse(body);
      if (payload.type === 'dispatch') received.push({ headers: req.headers as Record<string, string>, body, payload });
      res.writeHead(200).end('on it');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/mc`;

  try {
    const admin = await adminApi(baseURL!);
    const agentApi = await playwrightRequest.newContext({ baseURL });
    const tag = uniq();
    const ws = await ok<{ id: string; slug: string }>(await admin.post('/api/v1/workspaces', { data: { name: `Dispatch ${tag}`, slug: `dispatch-${tag}` } }), 201);
    const people = {
      member: { name: `Mo Member ${tag}`, email: `mo-${tag}@e2e.test`, password: 'member-password-1' },
      viewer: { name: `Val Viewer ${tag}`, email: `val-${tag}@e2e.test`, password: 'viewer-password-1' },
    };
    for (const [role, who] of Object.entries(people)) {
      await ok(await admin.post('/api/v1/users', { data: who }), 201);
      await ok(await admin.post(`/api/v1/workspaces/${ws.id}/members`, { data: { email: who.email, role } }), 201);
    }
    const agent = await registerAgent(admin, agentApi, ws.slug, `runner-${tag}`);
    await ok(await admin.patch(`/api/v1/agents/${agent.id}`, { data: { endpoint } }));
    const ticket = await ok<{ id: string; number: number }>(await admin.post('/api/v1/tickets', { data: { workspaceId: ws.id, title: `Rotate the certificates ${tag}` } }), 201);
    await ok(await admin.put(`/api/v1/tickets/${ticket.id}/assignee`, { data: { agentId: agent.id } }));

    await signIn(page, people.member);
    await page.goto(`/w/${ws.slug}/tickets/${ticket.id}`);
    const form = page.getByTestId('dispatch-form');
    // The assigned agent is the default.
    await expect(form.getByLabel('Agent')).toHaveValue(agent.id);
    await form.getByLabel('Instructions (optional)').fill('Rotate them before Friday.');
    await page.screenshot({ path: test.info().outputPath('dispatch-1366.png'), fullPage: true });
    await form.getByRole('button', { name: 'Dispatch' }).click();

    const shown = page.getByTestId('dispatched-execution');
    await expect(shown).toContainText('Running');
    await expect(shown).toContainText(`Dispatched to 🤖 ${agent.name}`);

    // The agent's endpoint got the ticket, signed with the secret derived from its key.
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    const [got] = received;
    const secret = `whsec_${createHash('sha256').update(agent.key).digest('base64')}`;
    const verified = new Webhook(secret).verify(got.body, got.headers) as Dispatched['payload'];
    expect(verified.data.ticket.id).toBe(ticket.id);
    expect(verified.data.task.instructions).toBe('Rotate them before Friday.');

    // The agent reports the outcome on the execution it was handed; the page follows.
    await ok(await agentApi.patch(verified.data.execution.reportPath, { headers: bearer(agent.key), data: { status: 'success', tokensIn: 900, tokensOut: 120 } }));
    await expect(shown).toContainText('Success', { timeout: 15_000 });
    await page.screenshot({ path: test.info().outputPath('dispatched-1366.png'), fullPage: true });
    await shown.getByRole('link', { name: 'View execution' }).click();
    await expect(page).toHaveURL(`/w/${ws.slug}/executions/${verified.data.execution.id}`);

    await page.setViewportSize({ width: 390, height: 900 });
    await page.goto(`/w/${ws.slug}/tickets/${ticket.id}`);
    await expect(page.getByTestId('dispatch-form').getByLabel('Agent')).toHaveValue(agent.id);
    await page.screenshot({ path: test.info().outputPath('dispatch-390.png'), fullPage: true });

    // An agent linked to an OpenClaw gateway is offered too ("(gateway)", the server's dispatchChannel). No process
    // holds a connection to this gateway here, so its run stays queued: the page shows the hand-over's first step,
    // and the request answered at once all the same.
    const gw = await ok<{ id: string }>(await admin.post('/api/v1/gateways', { data: { workspaceId: ws.id, name: `gw-${tag}`, url: 'wss://gw.example.com', token: 'gw-token' } }), 201);
    const gwAgent = await registerAgent(admin, agentApi, ws.slug, `claw-${tag}`);
    await ok(await admin.put(`/api/v1/agents/${gwAgent.id}/gateway-link`, { data: { gatewayId: gw.id, gatewayAgentId: 'main' } }));
    const second = await ok<{ id: string }>(await admin.post('/api/v1/tickets', { data: { workspaceId: ws.id, title: `Summarise the outage ${tag}` } }), 201);
    await page.setViewportSize({ width: 1366, height: 1000 });
    await page.goto(`/w/${ws.slug}/tickets/${second.id}`);
    const gwForm = page.getByTestId('dispatch-form');
    await expect(gwForm.getByRole('option', { name: `${gwAgent.name} (gateway)` })).toHaveCount(1);
    await gwForm.getByLabel('Agent').selectOption(gwAgent.id);
    await gwForm.getByRole('button', { name: 'Dispatch' }).click();
    const steps = page.getByTestId('gateway-steps');
    await expect(steps.locator('[aria-current="step"]')).toHaveText('Queued');
    await page.screenshot({ path: test.info().outputPath('dispatch-gateway-queued-1366.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 900 });
    await expect(steps.locator('[aria-current="step"]')).toHaveText('Queued');
    await page.screenshot({ path: test.info().outputPath('dispatch-gateway-queued-390.png'), fullPage: true });

    // A viewer reads the ticket but is not offered the dispatch (the workspace answer says it may not).
    await page.context().clearCookies();
    await page.setViewportSize({ width: 1366, height: 1000 });
    await signIn(page, people.viewer);
    await page.goto(`/w/${ws.slug}/tickets/${ticket.id}`);
    await expect(page.getByTestId('ticket-heading')).toContainText('Rotate the certificates');
    await expect(page.getByTestId('dispatch-form')).toHaveCount(0);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
