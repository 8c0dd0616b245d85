// The isolation suite: walk EVERY operation of the OpenAPI document (except the public ones) as callers that must
// be refused, and assert the refusal is the error envelope with no data. Path parameters are real ids of someone
// else's resources, bodies are minimal valid examples generated from the operation's schema (so validation
// cannot hide a missing authorization check), and workspace references in query and body — optional filters too —
// point at the victim.
// An endpoint added later is walked automatically; if it lets a caller through, the failure names it.
import { createApiKey, dispatchWebhookEvents, newId, type Principal } from '@mc/core';
import { executions } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, uniq, type Harness } from './harness';
import { addMember, createWorkspace, expectError, expectOk, login } from './helpers';

type Schema = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  operationId: string;
  op: Schema;
  isPublic: boolean;
  /** Auth mode of the route builder (`user`, `agent`, `any`, `registration`, `public`). */
  auth: string;
  /** Accepts a person's credentials (bearer, X-API-Key or the session cookie). */
  acceptsUserCredentials: boolean;
  /** Answers JSON on success (not a stream). */
  json: boolean;
}

/** What a path/query/body reference resolves to, for one target workspace. */
interface Scope {
  workspaceId: string;
  /** A member of the workspace other than the caller (its owner). */
  memberUserId: string;
  /** A user (for /users/{id}). */
  userId: string;
  /** An API key of someone else. */
  apiKeyId: string;
  agentId: string;
  ticketId: string;
  /** A notification of someone else (only when the document has notifications by id). */
  notificationId: string;
  /** A webhook endpoint of the workspace, and one of its deliveries. */
  webhookId: string;
  deliveryId: string;
  /** An execution of the workspace's agent. */
  executionId: string;
  /** A pending invitation of the workspace (to someone who is none of the callers). */
  invitationId: string;
  /** A cron targeting the workspace's agent. */
  cronId: string;
  /** An OpenClaw gateway of the workspace. */
  gatewayId: string;
}

/**
 * Operations any signed-in person may call about themselves, with no workspace in the request. They are not
 * "refused" for another workspace's member or a viewer; instead their answers are checked for leaks.
 */
const USER_SELF_SERVICE = new Set([
  'getMe',
  'listApiKeys',
  'createApiKey',
  'logout',
  'createWorkspace',
  'listWorkspaces',
  'getDefaultWorkspace',
  'findTicketsByPullRequest',
  // Model prices are the instance's, the same for everyone signed in (no workspace in them).
  'listModelPrices',
  // The caller's own invitations (addressed to their e-mail).
  'listMyInvitations',
  // What a schedule means (no workspace, nothing stored).
  'previewCronSchedule',
]);

/**
 * Operations on the caller's own records (person or agent), where a workspace in the request only narrows them.
 * A viewer may use them on its own workspace (they change only the viewer's records); for a workspace the caller
 * cannot see they are refused like every other operation that names one.
 */
const OWN_RECORDS = new Set(['listNotifications', 'markAllNotificationsRead']);

/** Request fields (query or body) that name a workspace: every operation that has one is walked with the victim's. */
const WORKSPACE_FIELDS = new Set(['workspaceId', 'workspace']);

let h: Harness;
let doc: Schema;
let ops: Operation[];
const CANARY = `canary-${Date.now().toString(36)}`;

// People
type User = Awaited<ReturnType<Harness['newUser']>>;
let victimOwner: User;
let viewer: User;
let outsider: User;
let bystander: User;
// Workspaces: V is the victim (owner victimOwner, viewer `viewer`); O belongs to the outsider.
let V: { id: string; slug: string };
let O: { id: string; slug: string };
let victimScope: Scope;
let victimKeyId: string;
let victimTicketId: string;
let victimAgent: { id: string; key: string };
// Credentials that must not work
let revokedKey: string;
let expiredKey: string;
let otherAgentKey: string;
let pendingSecret: string;
let rotatedAgentKey: string;
let deactivatedAgentKey: string;
let victimCookie: string;

function resolveRef(s: Schema | undefined): Schema | undefined {
  let cur = s;
  for (let i = 0; cur && cur.$ref && i < 10; i++) {
    const name = String(cur.$ref).replace('#/components/schemas/', '');
    cur = doc.components.schemas[name];
  }
  return cur;
}

/** Every operation of the document, with what the route builder knows about its authentication. */
function operationsOf(document: Schema): Operation[] {
  const modes = new Map(h.app.builder.routes.map((r) => [r.operationId, r.auth as string]));
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const security: Schema[] = op.security ?? document.security ?? [];
      const schemes = new Set(security.flatMap((s) => Object.keys(s)));
      const success = Object.entries(op.responses ?? {}).find(([code]) => code.startsWith('2'))?.[1] as Schema | undefined;
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        op,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
        auth: modes.get(op.operationId) ?? 'unknown',
        acceptsUserCredentials: schemes.has('sessionCookie') || (schemes.has('bearerAuth') && modes.get(op.operationId) !== 'agent'),
        json: !success?.content || 'application/json' in success.content,
      });
    }
  }
  return out;
}

/** Names a request field after the kind of resource it references. */
function referenceFor(name: string, scope: Scope, bystanderEmail: string): unknown {
  switch (name) {
    case 'workspaceId':
    case 'workspace':
      return scope.workspaceId;
    case 'email':
      return bystanderEmail;
    case 'userId':
    case 'assigneeId':
      return scope.memberUserId;
    case 'agentId':
    case 'claimedBy':
      return scope.agentId;
    case 'ticketId':
      return scope.ticketId;
    case 'url':
      // Checked beyond its schema (a GitHub/GitLab pull request URL) by findTicketsByPullRequest.
      return 'https://github.com/acme/app/pull/1';
    default:
      return undefined;
  }
}

const STRING_CANDIDATES = ['x', 'iso-test', '#000000', 'a1', 'https://example.com/iso'];

/** A minimal valid example of a schema: required properties only, the simplest value of each. */
function example(raw: Schema | undefined, scope: Scope, name?: string): unknown {
  const s = resolveRef(raw);
  if (!s) return undefined;
  // A gateway's URL is a WebSocket URL (its schema's example), not the pull-request URL other `url` fields take.
  if (name === 'url' && typeof s.example === 'string' && /^wss?:/.test(s.example)) return 'wss://gw.example.com';
  if (name) {
    const ref = referenceFor(name, scope, bystander.email);
    if (ref !== undefined) return ref;
  }
  if (s.allOf) {
    const typed = s.allOf.map(resolveRef).find((p: Schema) => p?.type || p?.enum || p?.properties);
    if (typed?.type === 'object' || typed?.properties) {
      const merged = { type: 'object', properties: {}, required: [] as string[] };
      for (const part of s.allOf.map(resolveRef)) {
        Object.assign(merged.properties, part?.properties ?? {});
        merged.required.push(...(part?.required ?? []));
      }
      return example(merged, scope);
    }
    return example(typed, scope);
  }
  if (s.oneOf || s.anyOf) return example((s.oneOf ?? s.anyOf)[0], scope, name);
  if (s.nullable) return null;
  if (s.example !== undefined) return s.example;
  if (s.enum) return s.enum[0];
  switch (s.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const key of s.required ?? []) o[key] = example(s.properties?.[key], scope, key);
      // An optional workspace filter too (POST /notifications/read-all {workspaceId}): the walk must try it.
      for (const key of Object.keys(s.properties ?? {})) if (WORKSPACE_FIELDS.has(key) && !(key in o)) o[key] = example(s.properties[key], scope, key);
      return o;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => example(s.items, scope));
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? Number(s.exclusiveMinimum) + 1 : 1);
    case 'boolean':
      return false;
    case 'string': {
      if (s.format === 'email') return 'a@example.com';
      if (s.format === 'date-time') return new Date(Date.now() + 30 * 24 * 3600_000).toISOString();
      if (s.format === 'uri' || s.format === 'url') return 'https://example.com/iso';
      const min = s.minLength ?? 1;
      const fits = (v: string) => v.length >= min && (s.maxLength === undefined || v.length <= s.maxLength) && (!s.pattern || new RegExp(s.pattern).test(v));
      const candidate = [...STRING_CANDIDATES, 'x'.repeat(min)].find(fits);
      if (candidate === undefined) throw new Error(`isolation suite: cannot build a string for pattern ${s.pattern}; add a candidate to STRING_CANDIDATES`);
      return candidate;
    }
    default:
      return {};
  }
}

/** Path parameters are named after the collection they follow: /workspaces/{id}, /tickets/{id}, …/members/{userId}. */
const unresolved = new Set<string>();
function pathValue(o: Operation, param: string, scope: Scope): string {
  const segments = o.path.split('/');
  const at = segments.indexOf(`{${param}}`);
  const collection = segments[at - 1];
  if (param === 'userId') return scope.memberUserId;
  switch (collection) {
    case 'workspaces':
      return scope.workspaceId;
    case 'members':
      return scope.memberUserId;
    case 'users':
      return scope.userId;
    case 'api-keys':
      return scope.apiKeyId;
    case 'agents':
      return scope.agentId;
    case 'tickets':
      return scope.ticketId;
    case 'notifications':
      return scope.notificationId;
    case 'webhooks':
      return scope.webhookId;
    case 'webhook-deliveries':
      return scope.deliveryId;
    case 'executions':
      return scope.executionId;
    case 'invitations':
      return scope.invitationId;
    case 'crons':
      return scope.cronId;
    case 'gateways':
      return scope.gatewayId;
    default:
      unresolved.add(`${o.operationId}: {${param}} after /${collection}/`);
      return 'iso_unresolved';
  }
}

interface Prepared {
  url: string;
  body: string | undefined;
  /** The request names a workspace (path, query or body): it targets the scope's workspace. */
  targetsWorkspace: boolean;
}

function prepare(o: Operation, scope: Scope): Prepared {
  const params: Schema[] = o.op.parameters ?? [];
  let path = o.path;
  let targetsWorkspace = false;
  for (const p of params.filter((x) => x.in === 'path')) {
    path = path.replace(`{${p.name}}`, encodeURIComponent(pathValue(o, p.name, scope)));
    targetsWorkspace = true;
  }
  const query = new URLSearchParams();
  for (const p of params.filter((x) => x.in === 'query')) {
    const ref = referenceFor(p.name, scope, bystander.email);
    if (WORKSPACE_FIELDS.has(p.name)) {
      query.set(p.name, String(ref));
      targetsWorkspace = true;
    } else if (p.required) {
      query.set(p.name, String(ref ?? example(p.schema, scope, p.name)));
    }
  }
  let body: string | undefined;
  const content = o.op.requestBody?.content?.['application/json'];
  if (content) {
    const value = example(content.schema, scope);
    body = JSON.stringify(value ?? {});
    if (value && typeof value === 'object' && Object.keys(value).some((k) => WORKSPACE_FIELDS.has(k))) targetsWorkspace = true;
    // A workspace named deeper in the body (a cron's `targets[].workspaceId`) targets it too.
    if (body.includes(JSON.stringify(scope.workspaceId))) targetsWorkspace = true;
  }
  const qs = query.toString();
  return { url: `http://mc.test${path}${qs ? `?${qs}` : ''}`, body, targetsWorkspace };
}

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** Send without following a stream: a success that streams is reported by status and headers only. */
async function send(o: Operation, prepared: Prepared, headers: Record<string, string>): Promise<Answer> {
  const all: Record<string, string> = { ...headers };
  if (prepared.body !== undefined) all['content-type'] = 'application/json';
  const res = await h.app.app.request(prepared.url, { method: o.method, headers: all, body: prepared.body, signal: AbortSignal.timeout(10_000) });
  const type = res.headers.get('content-type') ?? '';
  let body: any;
  if (type.includes('application/json')) body = await res.json();
  else {
    await res.body?.cancel().catch(() => {});
    body = `<${type || 'no content type'}>`;
  }
  return { status: res.status, body, headers: res.headers };
}

/** The operation ids of `ids` that the document has, sorted. */
const present = (ids: Iterable<string>) => [...new Set(ids)].filter((id) => ops.some((o) => o.operationId === id)).sort();

const label = (o: Operation) => `${o.method} ${o.path} (${o.operationId})`;

/** Why an answer is not a proper refusal, or null when it is. */
function refusalProblem(a: Answer, allowed: number[]): string | null {
  if (!allowed.includes(a.status)) return `expected ${allowed.join('/')}, got ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`;
  const b = a.body;
  if (!b || b.success !== false) return `not an error envelope: ${JSON.stringify(b).slice(0, 300)}`;
  if (typeof b.error?.code !== 'string' || typeof b.error?.message !== 'string') return `error without code/message: ${JSON.stringify(b)}`;
  if (!b.error.requestId || b.error.requestId !== a.headers.get('x-request-id')) return `error.requestId ${b.error.requestId} does not match X-Request-Id`;
  if ('data' in b || 'meta' in b) return `refusal carries data: ${JSON.stringify(b).slice(0, 300)}`;
  const expectedCode = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[a.status as 401 | 403 | 404];
  if (expectedCode && b.error.code !== expectedCode) return `status ${a.status} with code ${b.error.code}`;
  return null;
}

interface Caller {
  name: string;
  headers: Record<string, string>;
  /** Only operations that change something (the viewer and the cross-site cookie). */
  writesOnly?: boolean;
  /** Statuses that count as refused for an operation, or 'skip' for self-service (checked for leaks instead). */
  expect(o: Operation, p: Prepared): number[] | 'skip';
}

async function walk(caller: Caller, scope: Scope) {
  const problems: string[] = [];
  const skipped: Operation[] = [];
  let walked = 0;
  for (const o of ops) {
    if (o.isPublic || (caller.writesOnly && o.method === 'GET')) continue;
    walked++;
    const p = prepare(o, scope);
    const allowed = caller.expect(o, p);
    if (allowed === 'skip') {
      skipped.push(o);
      continue;
    }
    const a = await send(o, p, caller.headers);
    const problem = refusalProblem(a, allowed);
    if (problem) problems.push(`${caller.name}: ${label(o)} was not refused: ${problem}`);
  }
  return { problems, walked, skipped };
}

/** Look for the victim's data in an answer. */
function leaks(a: Answer): string[] {
  const text = JSON.stringify(a.body ?? '');
  return [CANARY, V.id, victimTicketId, victimAgent.id, victimOwner.email].filter((needle) => text.includes(needle));
}

async function registerAgent(workspaceId: string, approverKey: string, approve = true) {
  const reg = await h.call('POST', '/api/v1/agents', { body: { workspace: workspaceId, name: uniq('agent'), capabilities: ['code'] } });
  const { agentId, registrationSecret } = expectOk(reg, 202);
  if (!approve) return { id: agentId as string, secret: registrationSecret as string, key: '' };
  expectOk(await h.call('POST', `/api/v1/agents/${agentId}/approve`, { key: approverKey }));
  const poll = await h.call('GET', `/api/v1/agents/${agentId}/registration`, { headers: { authorization: `Bearer ${registrationSecret}` } });
  const key = expectOk(poll).apiKey as string;
  expect(key).toBeTruthy();
  return { id: agentId as string, secret: registrationSecret as string, key };
}

const userPrincipal = (u: User, name: string): Principal => ({
  kind: 'user',
  userId: u.id,
  name,
  email: u.email,
  isInstanceAdmin: false,
  via: 'api_key',
  credentialId: 'seed',
});

/** Everything of the victim workspace (and the instance) that a refused caller could have changed. */
async function victimState() {
  const db = h.database.db;
  return {
    workspace: await db.query.workspaces.findFirst({ where: (w, { eq }) => eq(w.id, V.id) }),
    memberships: await db.query.memberships.findMany({ where: (m, { eq }) => eq(m.workspaceId, V.id), orderBy: (m, { asc }) => asc(m.userId) }),
    users: await db.query.users.findMany({ orderBy: (u, { asc }) => asc(u.id) }),
    // lastSeenAt moves with every authenticated call of the agent itself; nothing else may change.
    agents: (await db.query.agents.findMany({ where: (a, { eq }) => eq(a.workspaceId, V.id), orderBy: (a, { asc }) => asc(a.id) })).map(
      ({ lastSeenAt: _, ...rest }) => rest,
    ),
    tickets: await db.query.tickets.findMany({ where: (t, { eq }) => eq(t.workspaceId, V.id), orderBy: (t, { asc }) => asc(t.id) }),
    epics: await db.query.epics.findMany({ where: (e, { eq }) => eq(e.workspaceId, V.id) }),
    comments: (await db.query.comments.findMany()).length,
    victimKeys: await db.query.apiKeys.findMany({ where: (k, { eq }) => eq(k.userId, victimOwner.id), orderBy: (k, { asc }) => asc(k.id) }),
    settings: await db.query.settings.findMany({ orderBy: (x, { asc }) => asc(x.key) }),
    ratings: await db.query.ratings.findMany({ orderBy: (x, { asc }) => asc(x.id) }),
    executions: await db.query.executions.findMany({ where: (x, { eq }) => eq(x.workspaceId, V.id), orderBy: (x, { asc }) => asc(x.id) }),
    usage: await db.query.workspaceUsage.findMany({ where: (x, { eq }) => eq(x.workspaceId, V.id) }),
    modelPrices: (await db.query.modelPrices.findMany()).length,
    invitations: await db.query.invitations.findMany({ orderBy: (x, { asc }) => asc(x.id) }),
    crons: await db.query.crons.findMany({ orderBy: (x, { asc }) => asc(x.id) }),
    cronTargets: await db.query.cronTargets.findMany({ orderBy: (x, { asc }) => [asc(x.cronId), asc(x.agentId)] }),
    cronRuns: await db.query.cronRuns.findMany({ orderBy: (x, { asc }) => asc(x.id) }),
    gateways: await db.query.gateways.findMany({ orderBy: (x, { asc }) => asc(x.id) }),
  };
}

/** Ids that exist nowhere: what "not found" looks like. */
const nowhere: Scope = {
  workspaceId: 'wsp_00000000000000000000000000',
  memberUserId: 'usr_00000000000000000000000000',
  userId: 'usr_00000000000000000000000000',
  apiKeyId: 'key_00000000000000000000000000',
  agentId: 'agt_00000000000000000000000000',
  ticketId: 'tkt_00000000000000000000000000',
  notificationId: 'ntf_00000000000000000000000000',
  webhookId: 'whk_00000000000000000000000000',
  deliveryId: 'whd_00000000000000000000000000',
  executionId: 'exe_00000000000000000000000000',
  invitationId: 'inv_00000000000000000000000000',
  cronId: 'crn_00000000000000000000000000',
  gatewayId: 'gtw_00000000000000000000000000',
};

beforeAll(async () => {
  h = await createHarness();
  const r = await h.call('GET', '/api/openapi');
  expect(r.status).toBe(200);
  doc = r.body;
  ops = operationsOf(doc);

  [victimOwner, viewer, outsider, bystander] = await Promise.all(['Victim', 'Viewer', 'Outsider', 'Bystander'].map((n) => h.newUser(n)));
  V = await createWorkspace(h, victimOwner.key, { mission: `${CANARY} mission` });
  O = await createWorkspace(h, outsider.key);
  await addMember(h, victimOwner.key, V.id, viewer.email, 'viewer');
  victimKeyId = expectOk(await h.call('POST', '/api/v1/me/api-keys', { key: victimOwner.key, body: { name: 'victim key' } }), 201).id;
  victimAgent = await registerAgent(V.id, victimOwner.key);
  // A webhook of the victim (a public address literal: no DNS needed), which gets a delivery of the ticket below.
  const victimWebhookId = expectOk(
    await h.call('POST', '/api/v1/webhooks', { key: victimOwner.key, body: { workspaceId: V.id, url: 'https://93.184.215.14/hook', events: ['ticket.created'] } }),
    201,
  ).id as string;
  victimTicketId = expectOk(
    await h.call('POST', '/api/v1/tickets', { key: victimOwner.key, body: { workspaceId: V.id, title: `${CANARY} ticket`, description: CANARY } }),
    201,
  ).id;
  let notificationId = 'iso_no_notifications';
  if (ops.some((o) => o.path.includes('/notifications/{'))) {
    // The victim's agent mentions everyone: the victim's owner gets a notification.
    expectOk(await h.call('POST', `/api/v1/tickets/${victimTicketId}/comments`, { key: victimAgent.key, body: { body: `@all ${CANARY}` } }), 201);
    const mine = expectOk(await h.call('GET', '/api/v1/notifications', { key: victimOwner.key }));
    expect(mine.length).toBeGreaterThan(0);
    notificationId = mine[0].id;
  }
  // An execution of the victim's agent, written as a finished run would leave it (the rows are all a rating needs).
  const victimExecutionId = newId('exe');
  await h.database.db.insert(executions).values({
    id: victimExecutionId,
    workspaceId: V.id,
    agentId: victimAgent.id,
    ticketId: victimTicketId,
    status: 'success',
    startedAt: new Date(Date.now() - 60_000),
    endedAt: new Date(),
    durationMs: 60_000,
    model: 'iso-model',
    summary: CANARY,
  });
  // A pending invitation of the victim workspace, to an address none of the callers holds.
  const victimInvitationId = expectOk(
    await h.call('POST', `/api/v1/workspaces/${V.id}/members`, { key: victimOwner.key, body: { email: `${uniq('invitee')}@example.com`, role: 'member' } }),
    202,
  ).invitation.id as string;
  // A cron of the victim, targeting its agent.
  const victimCronId = expectOk(
    await h.call('POST', '/api/v1/crons', {
      key: victimOwner.key,
      body: { name: `${CANARY} cron`, schedule: '0 9 * * *', timezone: 'Europe/Berlin', targets: [{ workspaceId: V.id, agentId: victimAgent.id }], task: { title: CANARY } },
    }),
    201,
  ).id as string;
  // A gateway of the victim (a public name: nothing connects to it here).
  const victimGatewayId = expectOk(
    await h.call('POST', '/api/v1/gateways', { key: victimOwner.key, body: { workspaceId: V.id, name: `${CANARY} gateway`, url: 'wss://gw.example.com', token: CANARY } }),
    201,
  ).id as string;
  victimScope = {
    gatewayId: victimGatewayId,
    cronId: victimCronId,
    invitationId: victimInvitationId,
    executionId: victimExecutionId,
    workspaceId: V.id,
    memberUserId: victimOwner.id,
    userId: victimOwner.id,
    apiKeyId: victimKeyId,
    agentId: victimAgent.id,
    ticketId: victimTicketId,
    notificationId,
    webhookId: victimWebhookId,
    deliveryId: await (async () => {
      await dispatchWebhookEvents(h.ctxFor({ kind: 'system', name: 'iso' }));
      const [d] = expectOk(await h.call('GET', `/api/v1/webhook-deliveries?webhookId=${victimWebhookId}`, { key: victimOwner.key }));
      return d.id as string;
    })(),
  };

  // Credentials that must not work.
  const revoked = expectOk(await h.call('POST', '/api/v1/me/api-keys', { key: outsider.key, body: { name: 'revoked' } }), 201);
  expectOk(await h.call('DELETE', `/api/v1/me/api-keys/${revoked.id}`, { key: outsider.key }));
  revokedKey = revoked.key;
  const past = Date.now() - 3600_000;
  const expired = await createApiKey(
    { ...h.ctxFor(userPrincipal(outsider, 'Outsider')), clock: { now: () => new Date(past) } },
    { name: 'expired', expiresAt: new Date(past + 60_000).toISOString() },
  );
  expiredKey = expired.key;
  otherAgentKey = (await registerAgent(O.id, outsider.key)).key;
  pendingSecret = (await registerAgent(O.id, outsider.key, false)).secret;
  const rotated = await registerAgent(O.id, outsider.key);
  expectOk(await h.call('POST', `/api/v1/agents/${rotated.id}/rotate-key`, { key: outsider.key, body: { graceSeconds: 0 } }));
  rotatedAgentKey = rotated.key;
  const deactivated = await registerAgent(O.id, outsider.key);
  expectOk(await h.call('POST', `/api/v1/agents/${deactivated.id}/deactivate`, { key: outsider.key }));
  deactivatedAgentKey = deactivated.key;
  victimCookie = await login(h, victimOwner.email, victimOwner.password);

  // Each of these is refused for its own reason; make sure the fixtures are what we think they are.
  for (const key of [revokedKey, expiredKey, rotatedAgentKey, deactivatedAgentKey, pendingSecret]) {
    expect((await h.call('GET', '/api/v1/tickets', { key })).status).toBe(401);
  }
  expect((await h.call('GET', '/api/v1/agents/me', { key: otherAgentKey })).status).toBe(200);
  expect((await h.call('GET', `/api/v1/workspaces/${V.id}`, { key: viewer.key })).body.data.role).toBe('viewer');
});

afterAll(async () => {
  await h?.close();
});

describe('the walk', () => {
  it('finds operations in the document, and a fixture for every path parameter', () => {
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.filter((o) => !o.isPublic).length).toBeGreaterThan(0);
    for (const o of ops) expect(o.operationId, `${o.method} ${o.path} has no operationId`).toBeTruthy();
    for (const o of ops) expect(o.auth, `${label(o)} is in the document but not in the route builder`).not.toBe('unknown');
    for (const o of ops) prepare(o, victimScope);
    expect([...unresolved], 'path parameters without a fixture: create a resource of that kind in beforeAll and map it in pathValue()').toEqual([]);
    // The core self-service operations are there (a rename must update the list).
    const ids = new Set(ops.map((o) => o.operationId));
    for (const id of ['getMe', 'listApiKeys', 'createApiKey', 'createWorkspace', 'listWorkspaces']) expect(ids.has(id), `${id} is not in the document`).toBe(true);
  });

  it('tries the victim workspace in every workspace field of every operation (query or body, required or optional)', () => {
    const missed: string[] = [];
    let named = 0;
    for (const o of ops) {
      const params: Schema[] = o.op.parameters ?? [];
      const body = resolveRef(o.op.requestBody?.content?.['application/json']?.schema);
      const bodyFields = Object.keys(body?.properties ?? {}).concat((body?.allOf ?? []).flatMap((x: Schema) => Object.keys(resolveRef(x)?.properties ?? {})));
      const fields = [...params.filter((x) => x.in === 'query').map((x) => x.name), ...bodyFields].filter((f) => WORKSPACE_FIELDS.has(f));
      if (fields.length === 0) continue;
      named++;
      const p = prepare(o, victimScope);
      if (!p.targetsWorkspace || !(p.url.includes(V.id) || p.body?.includes(V.id))) missed.push(`${label(o)}: ${fields.join(', ')}`);
    }
    expect(named, 'no operation names a workspace in its query or body: is the document read right?').toBeGreaterThan(5);
    expect(missed).toEqual([]);
  });

  it('builds requests that pass validation, so that refusals are about authorization', async () => {
    // As the instance admin, on ids that exist nowhere: parsing runs before any lookup, so a 400 here would
    // mean the generated request is invalid and would hide a missing authorization check.
    const invalid: string[] = [];
    for (const o of ops) {
      if (o.isPublic || !o.acceptsUserCredentials || o.auth === 'agent' || o.operationId === 'logout') continue;
      const a = await send(o, prepare(o, nowhere), { authorization: `Bearer ${h.admin.key}` });
      if (a.status === 400 || a.status >= 500) invalid.push(`${label(o)}: ${a.status} ${JSON.stringify(a.body?.error)}`);
    }
    expect(invalid).toEqual([]);
  });
});

describe('refused callers', () => {
  const nonPublic = () => ops.filter((o) => !o.isPublic).length;
  const writes = () => ops.filter((o) => !o.isPublic && o.method !== 'GET').length;

  const unauthenticated = (name: string, headers: () => Record<string, string>) =>
    it(`${name}: every operation is 401`, async () => {
      const { problems, walked } = await walk({ name, headers: headers(), expect: () => [401] }, victimScope);
      expect(walked).toBe(nonPublic());
      expect(walked).toBe(ops.length - ops.filter((o) => o.isPublic).length);
      expect(problems).toEqual([]);
    });

  unauthenticated('no credentials', () => ({}));
  unauthenticated('malformed key (Bearer not-a-key)', () => ({ authorization: 'Bearer not-a-key' }));
  unauthenticated('malformed Authorization scheme', () => ({ authorization: 'Basic dXNlcjpwYXNz' }));
  unauthenticated('revoked user key', () => ({ authorization: `Bearer ${revokedKey}` }));
  unauthenticated('expired user key (X-API-Key)', () => ({ 'x-api-key': expiredKey }));
  unauthenticated('pending agent (its registration secret as a key)', () => ({ authorization: `Bearer ${pendingSecret}` }));
  unauthenticated('rotated agent key after its grace', () => ({ authorization: `Bearer ${rotatedAgentKey}` }));
  unauthenticated('deactivated agent key', () => ({ authorization: `Bearer ${deactivatedAgentKey}` }));

  it('session cookie without Origin (cross-site): every write is 403', async () => {
    const { problems, walked } = await walk(
      // A gateway's webhook takes its own token only: a cookie is no credential there (401).
      { name: 'cross-site cookie', headers: { cookie: victimCookie }, writesOnly: true, expect: (o) => (o.auth === 'gateway' ? [401] : [403]) },
      victimScope,
    );
    expect(walked).toBe(writes());
    expect(problems).toEqual([]);
  });

  it("a viewer writing: every write on the viewer's own workspace is 403 or 404, never 2xx", async () => {
    const before = await victimState();
    const { problems, walked, skipped } = await walk(
      {
        name: 'viewer',
        headers: { authorization: `Bearer ${viewer.key}` },
        writesOnly: true,
        expect: (o, p) => {
          if (OWN_RECORDS.has(o.operationId)) return 'skip';
          if (!p.targetsWorkspace && USER_SELF_SERVICE.has(o.operationId)) return 'skip';
          return o.acceptsUserCredentials ? [403, 404] : [401, 403, 404];
        },
      },
      victimScope,
    );
    expect(walked).toBe(writes());
    expect(skipped.map((o) => o.operationId).sort()).toEqual(
      present(['createApiKey', 'createWorkspace', 'logout', 'previewCronSchedule', ...OWN_RECORDS]).filter((id) => ops.find((o) => o.operationId === id)!.method !== 'GET'),
    );
    expect(problems).toEqual([]);
    expect(await victimState()).toEqual(before);
  });

  it('a member of another workspace: everything on the victim workspace is 403/404; instance-admin operations 403', async () => {
    const before = await victimState();
    const { problems, walked, skipped } = await walk(
      {
        name: 'member of another workspace',
        headers: { authorization: `Bearer ${outsider.key}` },
        expect: (o, p) => {
          if (p.targetsWorkspace) return o.acceptsUserCredentials ? [403, 404] : [401, 403, 404];
          if (USER_SELF_SERVICE.has(o.operationId)) return 'skip';
          // No workspace in the request and not about the caller: instance-admin or agent-only.
          return [403];
        },
      },
      victimScope,
    );
    expect(walked).toBe(nonPublic());
    expect(skipped.map((o) => o.operationId).sort()).toEqual(present(USER_SELF_SERVICE));
    expect(problems).toEqual([]);
    expect(await victimState()).toEqual(before);
  });

  it("a resource the caller cannot see answers exactly like one that does not exist (no existence leak)", async () => {
    const problems: string[] = [];
    for (const [name, headers] of [
      ['outsider', { authorization: `Bearer ${outsider.key}` }],
      ['other agent', { authorization: `Bearer ${otherAgentKey}` }],
    ] as const) {
      for (const o of ops) {
        if (o.isPublic) continue;
        const p = prepare(o, victimScope);
        if (!p.targetsWorkspace) continue;
        const [seen, unseen] = [await send(o, p, headers), await send(o, prepare(o, nowhere), headers)];
        const describe = (a: Answer) => `${a.status} ${a.body?.error?.code}`;
        if (describe(seen) !== describe(unseen)) problems.push(`${name}: ${label(o)}: ${describe(seen)} for the victim's, ${describe(unseen)} for none`);
        if (seen.status === 403 && seen.body?.error?.message !== unseen.body?.error?.message) problems.push(`${name}: ${label(o)}: messages differ`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("an agent of another workspace: everything on the victim workspace is 403/404; people's operations 403", async () => {
    const before = await victimState();
    const agentSelfService = (o: Operation, p: Prepared) => (o.auth === 'agent' || o.auth === 'any') && !p.targetsWorkspace;
    const { problems, walked, skipped } = await walk(
      {
        name: 'agent of another workspace',
        headers: { authorization: `Bearer ${otherAgentKey}` },
        expect: (o, p) => {
          if (agentSelfService(o, p)) return 'skip';
          if (p.targetsWorkspace) return [401, 403, 404];
          return [403];
        },
      },
      victimScope,
    );
    expect(walked).toBe(nonPublic());
    expect(skipped.every((o) => o.auth === 'agent' || o.auth === 'any')).toBe(true);
    expect(problems).toEqual([]);
    expect(await victimState()).toEqual(before);
  });
});

describe('notifications narrowed to a workspace (issue 11)', () => {
  it("another workspace's id is 404 for the list and read-all, like a workspace that does not exist; nothing is marked", async () => {
    const unreadBefore = expectOk(await h.call('GET', '/api/v1/notifications?unread=true', { key: victimOwner.key })).length;
    expect(unreadBefore).toBeGreaterThan(0);
    for (const [name, key] of [
      ['outsider', outsider.key],
      ['other agent', otherAgentKey],
    ] as const) {
      for (const workspaceId of [V.id, V.slug, nowhere.workspaceId]) {
        expectError(await h.call('GET', `/api/v1/notifications?workspaceId=${workspaceId}`, { key }), 404, 'NOT_FOUND');
        expectError(await h.call('GET', `/api/v1/notifications?workspaceId=${workspaceId}&wait=1`, { key }), 404, 'NOT_FOUND');
        const r = await h.call('POST', '/api/v1/notifications/read-all', { key, body: { workspaceId } });
        expect(r.status, `${name}: read-all ${workspaceId}`).toBe(404);
      }
    }
    // Their own workspace still narrows their own notifications.
    expectOk(await h.call('GET', `/api/v1/notifications?workspaceId=${O.id}`, { key: outsider.key }));
    expectOk(await h.call('POST', '/api/v1/notifications/read-all', { key: otherAgentKey, body: { workspaceId: O.id } }));
    // And a member of the victim workspace may narrow to it.
    expectOk(await h.call('GET', `/api/v1/notifications?workspaceId=${V.id}`, { key: viewer.key }));
    expect(expectOk(await h.call('GET', '/api/v1/notifications?unread=true', { key: victimOwner.key })).length).toBe(unreadBefore);
  });
});

describe('what the self-service operations show', () => {
  it("another workspace's member and agent never see the victim's data in any list or self-service answer", async () => {
    const findings: string[] = [];
    const callers = [
      { name: 'outsider', headers: { authorization: `Bearer ${outsider.key}` }, own: { ...victimScope, workspaceId: O.id } },
      { name: 'other agent', headers: { authorization: `Bearer ${otherAgentKey}` }, own: { ...victimScope, workspaceId: O.id } },
    ];
    for (const c of callers) {
      for (const o of ops) {
        if (o.isPublic || o.method !== 'GET' || !o.json || o.path.includes('{')) continue;
        // Lists without a workspace filter (or filtered to the caller's own workspace when one is required).
        const p = prepare(o, c.own);
        const url = new URL(p.url);
        const required = (o.op.parameters ?? []).some((x: Schema) => x.name === 'workspaceId' && x.required);
        if (!required) url.searchParams.delete('workspaceId');
        const a = await send(o, { ...p, url: url.toString() }, c.headers);
        if (a.status >= 500) findings.push(`${c.name}: ${label(o)} answered ${a.status}`);
        const leaked = leaks(a);
        if (leaked.length) findings.push(`${c.name}: ${label(o)} leaks ${leaked.join(', ')}`);
      }
    }
    expect(findings).toEqual([]);
  });
});
