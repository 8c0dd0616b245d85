// Shared helpers of the browser specs. Each spec file can run alone: `ensureAdmin` does the first-run setup over
// the API when the instance still needs it (the foundation spec does it through the setup page instead).
import { expect, request as playwrightRequest, test, type APIRequestContext, type APIResponse, type Page } from '@playwright/test';

export const ADMIN = { name: 'Ada Admin', email: 'ada@e2e.test', password: 'e2e-admin-password-1' } as const;

/** A short suffix that keeps names unique across specs and reruns against one server. */
export function uniq(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
}

export async function needsSetup(request: APIRequestContext): Promise<boolean> {
  const res = await request.get('/api/v1/setup');
  expect(res.ok()).toBeTruthy();
  return (await res.json()).data.needsSetup as boolean;
}

/**
 * Create the instance admin over the API unless the instance already has users. Setup also signs in, so it runs
 * in a throwaway request context: the caller's context (often the `request` fixture, playing an agent) must not
 * carry the admin's session cookie — the API refuses cookie-authenticated writes without the dashboard's Origin,
 * even on open endpoints such as agent registration.
 */
export async function ensureAdmin(request: APIRequestContext): Promise<void> {
  if (!(await needsSetup(request))) return;
  const setup = await playwrightRequest.newContext({ baseURL: test.info().project.use.baseURL });
  try {
    const res = await setup.post('/api/v1/setup', { data: ADMIN });
    expect(res.status(), await res.text()).toBe(201);
  } finally {
    await setup.dispose();
  }
}

/** Sign in through the login page and wait until the signed-in shell shows the user. */
export async function signIn(page: Page, who: { email: string; password: string; name: string } = ADMIN): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('current-user')).toHaveText(who.name);
}

/**
 * Headers for a cookie-authenticated write through `page.request` (it shares the page's session): the API
 * refuses session writes that do not show they come from the dashboard's own origin.
 */
export function sameOrigin(page: Page): Record<string, string> {
  return { Origin: new URL(page.url()).origin };
}

/** Create a workspace as the signed-in user (over the API, for specs whose subject is something else). */
export async function createWorkspace(page: Page, name: string, slug: string): Promise<{ id: string; slug: string }> {
  const res = await page.request.post('/api/v1/workspaces', { data: { name, slug }, headers: sameOrigin(page) });
  expect(res.status(), await res.text()).toBe(201);
  const ws = (await res.json()).data;
  return { id: ws.id, slug: ws.slug };
}

export function bearer(key: string): Record<string, string> {
  return { Authorization: `Bearer ${key}` };
}

/** The `data` of an API answer, after checking its status (the body is shown when it differs). */
export async function ok<T = unknown>(res: APIResponse, status = 200): Promise<T> {
  expect(res.status(), `${res.url()} → ${await res.text()}`).toBe(status);
  return (await res.json()).data as T;
}

/**
 * The instance admin's own API session (cookie) for setting a scene: a request context that carries the
 * dashboard's Origin (session writes need it), after the first-run setup if the instance still needs it.
 */
export async function adminApi(baseURL: string): Promise<APIRequestContext> {
  const admin = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL } });
  await ensureAdmin(admin);
  await ok(await admin.post('/api/v1/auth/login', { data: { email: ADMIN.email, password: ADMIN.password } }));
  return admin;
}

export interface TestAgent {
  id: string;
  name: string;
  key: string;
}

/**
 * Register an agent (over `agentApi`, a context without the admin's cookie), approve it as the admin and fetch its
 * key with the registration secret, as a real agent would.
 */
export async function registerAgent(admin: APIRequestContext, agentApi: APIRequestContext, workspaceSlug: string, name: string, capabilities: string[] = []): Promise<TestAgent> {
  const reg = await ok<{ agentId: string; registrationSecret: string }>(await agentApi.post('/api/v1/agents', { data: { workspace: workspaceSlug, name, capabilities } }), 202);
  await ok(await admin.post(`/api/v1/agents/${reg.agentId}/approve`));
  const poll = await ok<{ apiKey: string | null }>(await agentApi.get(`/api/v1/agents/${reg.agentId}/registration`, { headers: bearer(reg.registrationSecret) }));
  expect(poll.apiKey).toBeTruthy();
  return { id: reg.agentId, name, key: poll.apiKey! };
}
