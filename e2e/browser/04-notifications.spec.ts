// Notifications in the browser (issue #5): a mention made by an agent over the API lights up the bell of the
// mentioned member live, and the notifications page takes them to the ticket.
import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import { ADMIN, bearer, ensureAdmin, signIn, uniq } from './support';

async function ok<T = any>(res: Awaited<ReturnType<APIRequestContext['get']>>, status = 200): Promise<T> {
  expect(res.status(), `${res.url()} → ${await res.text()}`).toBe(status);
  return (await res.json()).data as T;
}

test('a mention over the API lights up the bell of the mentioned member, live', async ({ page, baseURL }) => {
  // The admin works from its own API context, so that the page's browser context signs in as the member only.
  const admin = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
  await ensureAdmin(admin);
  const agentApi = await playwrightRequest.newContext({ baseURL });
  await ok(await admin.post('/api/v1/auth/login', { data: { email: ADMIN.email, password: ADMIN.password } }));

  const tag = uniq();
  const ws = await ok(await admin.post('/api/v1/workspaces', { data: { name: `Bell ${tag}`, slug: `bell-${tag}` } }), 201);
  const member = { name: `Mia ${tag}`, email: `mia-${tag}@e2e.test`, password: 'member-password-1' };
  await ok(await admin.post('/api/v1/users', { data: member }), 201);
  await ok(await admin.post(`/api/v1/workspaces/${ws.id}/members`, { data: { email: member.email, role: 'member' } }), 201);

  const reg = await ok(await agentApi.post('/api/v1/agents', { data: { workspace: ws.slug, name: `pinger-${tag}` } }), 202);
  await ok(await admin.post(`/api/v1/agents/${reg.agentId}/approve`));
  const { apiKey } = await ok(await agentApi.get(`/api/v1/agents/${reg.agentId}/registration`, { headers: bearer(reg.registrationSecret) }));
  const ticket = await ok(await admin.post('/api/v1/tickets', { data: { workspaceId: ws.id, title: `Ring the bell ${tag}` } }), 201);

  await signIn(page, member);
  const count = page.getByTestId('notification-count');
  await expect(count).toBeHidden();

  const handle = member.email.split('@')[0];
  await ok(await agentApi.post(`/api/v1/tickets/${ticket.id}/comments`, { headers: bearer(apiKey), data: { body: `@${handle} can you look at this?` } }), 201);
  // No reload: the bell's long-poll is answered as soon as the notification exists.
  await expect(count).toHaveText('1', { timeout: 5000 });

  await page.getByRole('link', { name: 'Notifications 1 unread' }).click();
  const item = page.getByTestId('notification-list').getByRole('link', { name: new RegExp(`mentioned you on #${ticket.number}`) });
  await expect(item).toBeVisible();
  await item.click();
  await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}/tickets/${ticket.id}$`));
  await expect(count).toBeHidden();

  await admin.dispose();
  await agentApi.dispose();
});
