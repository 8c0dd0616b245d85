// The fuzz suite: walk EVERY operation of the served OpenAPI document with generated valid and invalid inputs, as
// every kind of caller, and hold three rules over all of it:
//   1. no answer is ≥ 500 (and none hangs: streams and long-polls are bounded);
//   2. every error is the envelope {success:false, error:{code, message, requestId}} with the status of its code
//      and the request id of the X-Request-Id header;
//   3. no refused request changes state (a fingerprint of the domain tables, bookkeeping columns left out).
// Valid values come from the document's own schemas (real ids of seeded resources for path parameters and
// references), so a valid call reaches its use case; invalid ones are valid ones with one thing broken: a wrong
// type, a missing or unknown field, a value out of range, ill-formed Unicode, NUL, a body nested too deep or too
// large, malformed JSON, a wrong content type, a bad id, bad query grammar, bad credentials. An endpoint added
// later is walked without editing this file.
//
// Seeded: the seed is printed; `FUZZ_SEED=<seed> npx vitest run packages/api/test/fuzz.int.test.ts` replays the
// same requests (ids of seeded rows differ between runs; the shapes and choices do not).
import { ERROR_STATUS } from '@mc/contracts';
import { dispatchWebhookEvents, newId } from '@mc/core';
import { executions, queryRaw } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, registerPending, type Team, type User } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { addMember, expectOk, login } from './helpers';

type Schema = Record<string, any>;

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
const REPRODUCE = `FUZZ_SEED=${SEED} npx vitest run packages/api/test/fuzz.int.test.ts`;
/** Longest a single request may take before the suite calls it hung (streams are cut at once, waits are 0). */
const REQUEST_TIMEOUT_MS = 15_000;
/**
 * Per phase: a few thousand requests take ~20 s of CPU; the bound leaves room for a loaded CI machine (a failure
 * names its seed either way).
 */
const PHASE_TIMEOUT_MS = 300_000;
/** The body limit of the app under test: the "huge body" cases go beyond it. */
const MAX_BODY_BYTES = 64 * 1024;

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
function rngOf(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}
const rng = rngOf(SEED);

// ---------------------------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------------------------

interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}
interface Operation {
  method: string;
  path: string;
  operationId: string;
  auth: string;
  params: Param[];
  body?: { schema: Schema; required: boolean };
  write: boolean;
}

let h: Harness;
let doc: Schema;
let ops: Operation[];

function resolve(s: Schema | undefined): Schema | undefined {
  let cur = s;
  for (let i = 0; cur?.$ref && i < 20; i++) cur = doc.components.schemas[String(cur.$ref).split('/').pop()!];
  return cur;
}

/** A schema with its `allOf` parts merged (zod-to-openapi writes a described `$ref` as allOf [ref, {description}]). */
function flat(raw: Schema | undefined): Schema | undefined {
  const s = resolve(raw);
  if (!s?.allOf) return s;
  const merged: Schema = { ...s, allOf: undefined };
  for (const part of s.allOf.map((p: Schema) => flat(p))) {
    for (const [k, v] of Object.entries(part ?? {})) {
      if (k === 'properties') merged.properties = { ...merged.properties, ...(v as Schema) };
      else if (k === 'required') merged.required = [...(merged.required ?? []), ...(v as string[])];
      else if (merged[k] === undefined) merged[k] = v;
    }
  }
  return merged;
}

function operationsOf(document: Schema): Operation[] {
  const modes = new Map(h.app.builder.routes.map((r) => [r.operationId, r.auth as string]));
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        auth: modes.get(op.operationId) ?? (Array.isArray(op.security) && op.security.length === 0 ? 'public' : 'any'),
        params: (op.parameters ?? []).map((p: Schema) => ({ name: p.name, in: p.in, required: !!p.required, schema: p.schema ?? {} })),
        body: bodySchema ? { schema: bodySchema, required: !!op.requestBody.required } : undefined,
        write: method !== 'get',
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The world: people, keys, a workspace with tickets, agents, a webhook, a delivery, an execution, notifications
// ---------------------------------------------------------------------------------------------------------------

type CredName = 'none' | 'bad-key' | 'viewer' | 'member' | 'session' | 'agent' | 'owner' | 'admin' | 'registration';
/** Every kind of caller; `session` is the member signed in to the dashboard (cookie, same-origin writes). */
const CALLERS: CredName[] = ['none', 'bad-key', 'viewer', 'member', 'session', 'agent', 'owner', 'admin'];

let team: Team;
let memberCookie: string;
let agent: Awaited<ReturnType<typeof activeAgent>>;
let world: {
  workspace: { id: string; slug: string };
  tickets: string[];
  /** Agents a request may act on (never the calling agent: its key must keep working). */
  agents: string[];
  pending: { id: string; secret: string };
  /** A user that requests may edit, disable or delete (never one whose key calls). */
  targetUser: User;
  /** A member of the workspace whose role requests may change or who may be removed (never a caller). */
  memberUser: User;
  /** A user in no workspace, whom requests may add as a member. */
  spareUser: User;
  apiKeyId: string;
  notificationId: string;
  webhookId: string;
  deliveryId: string;
  executionId: string;
  epicId: string | null;
  cronId: string;
  gatewayId: string;
};

function credentialHeaders(cred: CredName): Record<string, string> {
  switch (cred) {
    case 'none':
      return {};
    case 'bad-key':
      return { authorization: `Bearer mc_usr_fuzz${Math.floor(rng.next() * 1e9)}` };
    case 'viewer':
      return { authorization: `Bearer ${team.viewer.key}` };
    case 'member':
      return { authorization: `Bearer ${team.member.key}` };
    case 'session':
      return { cookie: memberCookie, origin: 'http://mc.test' };
    case 'agent':
      return { authorization: `Bearer ${agent.key}` };
    case 'owner':
      return { authorization: `Bearer ${team.owner.key}` };
    case 'admin':
      return { authorization: `Bearer ${h.admin.key}` };
    case 'registration':
      return { authorization: `Bearer ${world.pending.secret}` };
  }
}

/** The caller that gets furthest into an operation: past authentication, so that validation is what answers. */
function naturalCaller(op: Operation): CredName {
  switch (op.auth) {
    case 'public':
      return 'none';
    case 'registration':
      return 'registration';
    case 'gateway':
      return 'none';
    case 'agent':
      return 'agent';
    default:
      return 'admin';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Valid values from the schemas
// ---------------------------------------------------------------------------------------------------------------

let counter = 0;
const fresh = () => `${SEED.toString(36)}${(counter++).toString(36)}`;

/** A field that names a resource gets a real one, so that the call reaches its use case. */
function reference(name: string | undefined, where: 'body' | 'query'): unknown {
  switch (name) {
    case 'workspaceId':
      return world.workspace.id;
    case 'workspace':
      return rng.pick([world.workspace.id, world.workspace.slug]);
    case 'ticketId':
      return rng.pick(world.tickets);
    case 'agentId':
    case 'assigneeId':
    case 'claimedBy':
      return rng.pick([agent.id, ...world.agents]);
    case 'userId':
      return rng.pick([world.memberUser.id, team.member.id]);
    case 'epicId':
      return world.epicId ?? undefined;
    case 'webhookId':
      return world.webhookId;
    case 'gatewayId':
      return world.gatewayId;
    case 'schedule':
      // A cron's schedule is checked beyond its schema (its grammar): a valid one sometimes, so create/preview pass.
      return rng.chance(0.7) ? rng.pick(['0 9 * * 1-5', '@every 15m', '30 2 * * *', '@once 2099-01-01T00:00:00Z']) : undefined;
    case 'timezone':
      return rng.chance(0.7) ? rng.pick(['UTC', 'Europe/Berlin', 'Australia/Sydney']) : undefined;
    case 'email':
      return rng.pick([world.spareUser.email, `fuzz-${fresh()}@example.com`]);
    case 'password':
      // The seeded users' password (harness.ts), so that a generated sign-in sometimes succeeds.
      return rng.chance(0.5) ? 'user-password-1' : undefined;
    case 'url':
      // The pull-request lookup takes a PR URL; webhooks and agent endpoints a URL that refuses at once.
      // A gateway takes a ws(s) URL: sometimes one, so that registering a gateway passes too.
      return where === 'query' ? 'https://github.com/acme/app/pull/1' : rng.chance(0.3) ? 'wss://gw.example.com' : undefined;
    default:
      return undefined;
  }
}

function stringCandidates(): string[] {
  const id = fresh();
  return [`fuzz-${id}`, `fuzz${id}`, '#22aa55', 'acme/app', `docs/fuzz-${id}.md`, 'x', `Fuzz ${id} ünïcödé 🚀`, `fuzz-password-${id}`];
}

/** Word-search input: search syntax, prefixes, quotes and marks that only separate words. */
const SEARCH_CANDIDATES = ['deplo*', 'flaky login*', '!!', "o'reilly", '\\', '(a|b) & !c', '*', 'x* y* z* w* v* u* t* s* r*', ':*', '¹²³ ünï', '"quoted"'];

function genString(s: Schema, name?: string): string {
  if (name === 'q') return rng.pick(SEARCH_CANDIDATES);
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? 200;
  switch (s.format) {
    case 'email':
      return `fuzz-${fresh()}@example.com`;
    case 'date-time':
      // Mostly near now; sometimes the ends of what a date input takes (1970..9999 UTC).
      return rng.chance(0.8)
        ? new Date(Date.now() + rng.int(1, 30) * 24 * 3600_000).toISOString()
        : rng.pick(['1970-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2026-03-01T09:00:00+14:00']);
    case 'date':
      return rng.pick(['2026-01-01', '2026-03-01', new Date().toISOString().slice(0, 10), '1970-01-01', '8999-12-31']);
    case 'uri':
    case 'url':
      // Port 9 (discard) on loopback refuses the connection at once: an approval's key callback costs nothing.
      return 'http://127.0.0.1:9/fuzz';
  }
  const re = s.pattern ? new RegExp(s.pattern) : null;
  const fits = (v: string) => v.length >= min && v.length <= max && (!re || re.test(v));
  // Sometimes as long as allowed, astral characters included: a column narrower than its schema shows up here.
  if (!re && max >= 3 && rng.chance(0.1)) {
    const longest = `🚀ü${'x'.repeat(max)}`.slice(0, max);
    if (fits(longest)) return longest;
  }
  // A pattern of alternatives (`^(todo|done)(,(todo|done))*$`, a documented comma list) offers them as candidates.
  const alternatives = /^\^\(([\w|.-]+)\)/.exec(s.pattern ?? '')?.[1].split('|') ?? [];
  const listed = alternatives.length ? [rng.pick(alternatives), `${rng.pick(alternatives)},${rng.pick(alternatives)}`] : [];
  const found = [...listed, ...stringCandidates()].filter(fits);
  if (found.length) return rng.pick(found);
  const padded = `fuzz-${fresh()}`.padEnd(min, 'x').slice(0, max);
  if (fits(padded)) return padded;
  throw new Error(`fuzz suite: no candidate string fits ${JSON.stringify(s)}; add one to stringCandidates()`);
}

function genNumber(s: Schema, integer: boolean, name?: string): number {
  // Long-polls answer at once: the suite must not wait on them.
  if (name === 'wait') return 0;
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? Number(s.exclusiveMinimum) + 1 : 0);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? Number(s.exclusiveMaximum) - 1 : lo + 100);
  const smallHi = Math.min(hi, lo + 50);
  const n = rng.pick([lo, hi, rng.int(lo, smallHi), rng.int(lo, smallHi)]);
  return integer ? Math.trunc(n) : Math.min(hi, Math.round((n + rng.next()) * 100) / 100);
}

/** A valid value of `raw`: required properties always, optional ones at random. */
function gen(raw: Schema | undefined, name?: string, where: 'body' | 'query' = 'body', depth = 0): unknown {
  const s = flat(raw);
  if (!s) return undefined;
  const ref = reference(name, where);
  if (ref !== undefined) return ref;
  if (s.anyOf || s.oneOf) return gen(rng.pick((s.anyOf ?? s.oneOf) as Schema[]), name, where, depth);
  if (s.nullable && rng.chance(0.15)) return null;
  if (s.enum) return rng.pick(s.enum);
  switch (s.type) {
    case 'object':
    case undefined: {
      if (!s.properties) return {};
      const o: Record<string, unknown> = {};
      const required = new Set<string>(s.required ?? []);
      for (const [key, prop] of Object.entries(s.properties as Record<string, Schema>)) {
        if (!required.has(key) && (depth > 3 || !rng.chance(0.5))) continue;
        // A made-up `version` is mostly stale (409): leave it out more often, so that more writes get through.
        if (key === 'version' && !required.has(key) && rng.chance(0.7)) continue;
        const v = gen(prop, key, where, depth + 1);
        if (v !== undefined) o[key] = v;
      }
      return o;
    }
    case 'array': {
      const lo = s.minItems ?? 0;
      const n = rng.int(lo, Math.max(lo, Math.min(s.maxItems ?? 3, 3)));
      return Array.from({ length: n }, () => gen(s.items, undefined, where, depth + 1));
    }
    case 'integer':
      return genNumber(s, true, name);
    case 'number':
      return genNumber(s, false, name);
    case 'boolean':
      return rng.chance(0.5);
    case 'string':
      return genString(s, name);
    default:
      return undefined;
  }
}

/** Path parameters are named after the collection they follow: /workspaces/{id}, /tickets/{id}, …/members/{userId}. */
function pathPool(op: Operation, name: string): string[] {
  const segments = op.path.split('/');
  const collection = segments[segments.indexOf(`{${name}}`) - 1];
  if (name === 'userId' || collection === 'members') return [world.memberUser.id];
  switch (collection) {
    case 'workspaces':
      return [world.workspace.id, world.workspace.slug];
    case 'tickets':
      return world.tickets;
    case 'agents':
      return op.path.endsWith('/registration') ? [world.pending.id] : [...world.agents, world.pending.id];
    case 'users':
      return [world.targetUser.id];
    case 'api-keys':
      return [world.apiKeyId];
    case 'notifications':
      return [world.notificationId];
    case 'webhooks':
      return [world.webhookId];
    case 'webhook-deliveries':
      return [world.deliveryId];
    case 'executions':
      return [world.executionId];
    case 'crons':
      return [world.cronId];
    case 'gateways':
      return [world.gatewayId];
    default:
      return [`fuzz-${SEED.toString(36)}`];
  }
}

const pathValue = (op: Operation, name: string) => rng.pick(pathPool(op, name));

/** The kind of an id (its prefix: `tkt`, `agt`, …). */
const kindOf = (id: string) => id.split('_')[0];

// ---------------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------------

interface Request {
  op: Operation;
  cred: CredName;
  /** What was broken ('valid' when nothing). */
  mutation: string;
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The body as sent (text), or undefined for none. */
  body?: string;
  /** Raw bytes sent instead of `body` (bytes that are not UTF-8). */
  bytes?: Uint8Array;
  /** The request is invalid on purpose: it must be refused with a 4xx. */
  mustRefuse: boolean;
}

interface Answer {
  status: number;
  headers: Headers;
  json: any;
  text: string;
  stream: boolean;
}

function validRequest(op: Operation, cred: CredName): Request {
  const path: Record<string, string> = {};
  const query: Record<string, string> = {};
  let idempotencyKey: string | undefined;
  for (const p of op.params) {
    if (p.in === 'path') path[p.name] = pathValue(op, p.name);
    else if (p.in === 'header') {
      // Idempotency keys: mostly fresh, sometimes one shared by every create (replays, and a body that differs).
      if (p.name === 'idempotency-key' && rng.chance(0.4)) idempotencyKey = rng.chance(0.5) ? `fuzz-idem-${fresh()}` : 'fuzz-idem-shared';
    } else if (p.in === 'query' && p.name !== 'cursor' && (p.required || rng.chance(0.4) || p.name === 'workspaceId')) {
      // (A cursor is opaque: only one the server gave is valid; the invalid phase sends made-up ones.)
      const v = gen(p.schema, p.name, 'query');
      // Sorting and paging defaults are valid; a generated `sort` is one of the document's examples.
      if (v !== undefined && v !== null) query[p.name] = p.name === 'sort' ? String(flat(p.schema)?.example ?? flat(p.schema)?.default ?? v) : String(v);
    }
  }
  const body = op.body ? JSON.stringify(gen(op.body.schema) ?? {}) : undefined;
  return {
    op,
    cred,
    mutation: 'valid',
    path,
    query,
    headers: {
      ...credentialHeaders(cred),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    },
    body,
    mustRefuse: false,
  };
}

function urlOf(r: Request): string {
  let path = r.op.path;
  for (const [k, v] of Object.entries(r.path)) path = path.replace(`{${k}}`, v);
  const qs = Object.entries(r.query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${v.startsWith('%RAW%') ? v.slice(5) : encodeURIComponent(v)}`)
    .join('&');
  return `http://mc.test${path}${qs ? `?${qs}` : ''}`;
}

function describeRequest(r: Request): string {
  const body = r.body === undefined ? '' : ` body=${r.body.length > 160 ? `${r.body.slice(0, 160)}…(${r.body.length} chars)` : r.body}`;
  const url = urlOf(r).replace('http://mc.test', '');
  return `${r.op.operationId} [${r.cred}] ${r.mutation}: ${r.op.method} ${url.length > 200 ? `${url.slice(0, 200)}…` : url}${body}`;
}

let sent = 0;
async function send(r: Request): Promise<Answer> {
  sent++;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Error(`hung for ${REQUEST_TIMEOUT_MS} ms`));
    }, REQUEST_TIMEOUT_MS);
  });
  try {
    const res = await Promise.race([
      h.app.app.request(urlOf(r), { method: r.op.method, headers: r.headers, body: r.bytes ?? r.body, signal: abort.signal }),
      timeout,
    ]);
    if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      // A live stream: that it opened is the answer; close it rather than wait for events.
      abort.abort();
      await res.body?.cancel().catch(() => {});
      return { status: res.status, headers: res.headers, json: undefined, text: '', stream: true };
    }
    const text = await Promise.race([res.text(), timeout]);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text, stream: false };
  } finally {
    clearTimeout(timer);
  }
}

/** What is wrong with an answer by the suite's rules (empty when nothing). */
function problemsOf(r: Request, a: Answer): string[] {
  const problems: string[] = [];
  const requestId = a.headers.get('x-request-id');
  if (!requestId) problems.push('no X-Request-Id header');
  if (a.status >= 500) problems.push(`answered ${a.status}`);
  if (a.status >= 400) {
    const e = a.json?.error;
    if (a.json?.success !== false || !e || typeof e.code !== 'string' || typeof e.message !== 'string') {
      problems.push(`error outside the envelope: ${a.text.slice(0, 200)}`);
    } else {
      if (e.requestId !== requestId) problems.push(`error requestId ${e.requestId} is not the X-Request-Id ${requestId}`);
      if ((ERROR_STATUS as Record<string, number>)[e.code] !== a.status) problems.push(`code ${e.code} answered with status ${a.status}`);
      if ('data' in a.json) problems.push('an error carries data');
    }
  } else if (a.status >= 200 && a.status < 300) {
    if (a.status !== 204 && !a.stream && a.json?.success !== true) problems.push(`success outside the envelope: ${a.text.slice(0, 200)}`);
  } else {
    problems.push(`unexpected status ${a.status}`);
  }
  if (r.mustRefuse && a.status < 400) problems.push(`not refused (${a.status})`);
  return problems.map((p) => `${p} — ${describeRequest(r)} → ${a.status} ${a.text.slice(0, 300)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Invalid inputs: a valid request with one thing broken
// ---------------------------------------------------------------------------------------------------------------

/** Every field present in a value, with its schema and path. */
function fieldsOf(value: unknown, raw: Schema | undefined, path: (string | number)[] = []): { path: (string | number)[]; schema: Schema }[] {
  const s = flat(raw);
  if (!s) return [];
  const out = path.length ? [{ path, schema: s }] : [];
  if (Array.isArray(value) && s.type === 'array') value.forEach((v, i) => out.push(...fieldsOf(v, s.items, [...path, i])));
  else if (value && typeof value === 'object' && s.properties) {
    for (const [k, v] of Object.entries(value)) if (s.properties[k]) out.push(...fieldsOf(v, s.properties[k], [...path, k]));
  }
  return out;
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value) as any;
  let cur = copy;
  for (const key of path.slice(0, -1)) cur = cur[key];
  const last = path[path.length - 1];
  if (replacement === DELETE) delete cur[last];
  else cur[last] = replacement;
  return copy;
}
const DELETE = Symbol('delete');

/** Values that a field of this schema must refuse, each with a name. */
function badValuesFor(s: Schema): [string, unknown][] {
  const bad: [string, unknown][] = [];
  const union = !!(s.anyOf || s.oneOf);
  if (!union) {
    switch (s.type) {
      case 'string':
        bad.push(['wrong type (number)', 12345]);
        break;
      case 'integer':
      case 'number':
        bad.push(['wrong type (string)', '1'], ['wrong type (boolean)', true]);
        break;
      case 'boolean':
        bad.push(['wrong type (string)', 'true']);
        break;
      case 'array':
        bad.push(['wrong type (object)', {}]);
        break;
      case 'object':
        bad.push(['wrong type (array)', []]);
        break;
    }
    if (!s.nullable && s.type) bad.push(['null', null]);
  }
  if (s.enum) bad.push(['not in the enum', 'fuzz-not-a-value']);
  if (s.type === 'string' && !s.enum) {
    bad.push(['lone surrogate', `x\ud800${rng.pick(['', 'y'])}`], ['reversed surrogate pair', '\udc00\ud83d'], ['NUL', 'a\u0000b']);
    if (typeof s.maxLength === 'number' && s.maxLength < MAX_BODY_BYTES / 2) bad.push([`longer than ${s.maxLength}`, 'a'.repeat(s.maxLength + 1)]);
    if (typeof s.minLength === 'number' && s.minLength > 0) bad.push(['empty', '']);
  }
  if (s.type === 'integer' || s.type === 'number') {
    if (typeof s.maximum === 'number') bad.push(['above maximum', s.maximum + 1]);
    if (typeof s.minimum === 'number') bad.push(['below minimum', s.minimum - 1]);
    if (typeof s.maximum !== 'number' || s.maximum < 2 ** 31) bad.push(['beyond int32', 2 ** 31]);
    bad.push(['beyond every column', 1e300], ['below every column', -(2 ** 63)]);
    if (s.type === 'integer') bad.push(['fraction', (s.minimum ?? 0) + 0.5]);
  }
  if (s.type === 'array' && typeof s.maxItems === 'number' && s.maxItems < 5000) {
    bad.push([`more than ${s.maxItems} items`, Array.from({ length: s.maxItems + 1 }, () => gen(s.items))]);
  }
  return bad;
}

function nested(depth: number) {
  return '['.repeat(depth) + ']'.repeat(depth);
}

function invalidRequests(op: Operation): Request[] {
  const out: Request[] = [];
  const cred = naturalCaller(op);
  const base = () => validRequest(op, cred);
  const variant = (mutation: string, change: (r: Request) => void): void => {
    const r = base();
    r.mutation = mutation;
    r.mustRefuse = true;
    change(r);
    out.push(r);
  };

  // Credentials: none, unknown, malformed, oversized (401 wherever a caller is needed; a bad key even where not).
  if (op.auth !== 'public' && op.auth !== 'registration') {
    variant('no credentials', (r) => (r.headers = stripAuth(r.headers)));
  }
  if (op.auth !== 'registration' && op.auth !== 'gateway') {
    variant('unknown key', (r) => (r.headers = { ...stripAuth(r.headers), authorization: `Bearer mc_agt_${fresh()}` }));
    variant('malformed Authorization', (r) => (r.headers = { ...stripAuth(r.headers), authorization: rng.pick(['Basic Zm9vOmJhcg==', 'Bearer', 'Bearer a b', 'Token x']) }));
    variant('unknown X-API-Key', (r) => (r.headers = { ...stripAuth(r.headers), 'x-api-key': `mc_usr_${fresh()}` }));
    variant('oversized key', (r) => (r.headers = { ...stripAuth(r.headers), authorization: `Bearer ${'k'.repeat(5000)}` }));
    if (op.auth !== 'public') {
      variant('unknown session cookie', (r) => (r.headers = { ...stripAuth(r.headers), cookie: `mc_session=${rng.pick(['garbage', 'x'.repeat(300), ''])}`, origin: 'http://mc.test' }));
    }
  } else {
    variant('wrong registration secret', (r) => (r.headers = { ...stripAuth(r.headers), authorization: `Bearer mc_reg_${fresh()}` }));
  }

  // Path: unknown ids, ids of another kind, too long, NUL, broken percent-encoding.
  for (const p of op.params.filter((x) => x.in === 'path')) {
    const kinds = new Set(pathPool(op, p.name).map(kindOf));
    const otherKind = rng.pick(
      [world.tickets[0], world.workspace.id, world.executionId, world.webhookId, agent.id, world.targetUser.id, world.apiKeyId].filter((id) => !kinds.has(kindOf(id))),
    );
    const bads: [string, string][] = [
      ['unknown id', `${p.name === 'userId' ? 'usr' : 'fuzz'}_${fresh()}`],
      ['id of another kind', otherKind],
      ['id too long', 'i'.repeat(65)],
      ['NUL in id', 'a%00b'],
      ['broken percent-encoding', '%E0%A4%A'],
      ['overlong UTF-8 percent-encoding', '%C0%AF'],
      ['lone surrogate as UTF-8 bytes', '%ED%A0%80'],
    ];
    for (const [what, v] of bads) {
      variant(`path ${p.name}: ${what}`, (r) => (r.path[p.name] = v));
    }
  }

  // Query: wrong types, out of range, unknown sort fields, garbage cursors, NUL, too long.
  for (const p of op.params.filter((x) => x.in === 'query')) {
    const s = flat(p.schema) ?? {};
    const bads: [string, string, boolean][] = [];
    if (s.type === 'integer' || s.type === 'number') {
      bads.push(['not a number', 'abc', true], ['exponent overflow', '1e400', true]);
      if (s.type === 'integer') bads.push(['fraction', '1.5', true]);
      if (typeof s.maximum === 'number') bads.push(['above maximum', String(s.maximum + 1), true]);
      if (typeof s.minimum === 'number') bads.push(['below minimum', String(s.minimum - 1), true]);
    }
    if (s.enum) bads.push(['not in the enum', 'fuzz-not-a-value', true]);
    if (s.type === 'string' && typeof s.maxLength === 'number') bads.push([`longer than ${s.maxLength}`, 'q'.repeat(s.maxLength + 1), true]);
    if (s.type === 'string' || !s.type) bads.push(['NUL', '%RAW%a%00b', true], ['lone surrogate as UTF-8 bytes', '%RAW%a%ED%A0%80', false], ['not UTF-8', '%RAW%%FF%FE', false]);
    if (s.format === 'date-time' || s.format === 'date') bads.push(['impossible date', '2026-02-30', true], ['year 10000', '10000-01-01T00:00:00Z', true]);
    if (p.name === 'sort') bads.push(['unknown sort field', '-fuzzField,createdAt', true], ['empty sort part', ',,', true]);
    if (p.name === 'cursor') {
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      bads.push(
        ['garbage cursor', 'not-a-cursor!!', true],
        ['cursor of junk JSON', b64({ s: 'createdAt', v: [{ a: 1 }, 1e400, null] }), true],
        ['cursor with a lone surrogate', b64({ s: '-createdAt', v: ['\ud800', 'x'] }), false],
      );
    }
    for (const [what, v, must] of bads) {
      variant(`query ${p.name}: ${what}`, (r) => {
        r.query[p.name] = v;
        r.mustRefuse = must;
      });
    }
  }
  if (op.params.some((x) => x.in === 'header' && x.name === 'idempotency-key')) {
    variant('Idempotency-Key too long', (r) => (r.headers['idempotency-key'] = 'i'.repeat(256)));
    variant('Idempotency-Key empty', (r) => (r.headers['idempotency-key'] = ''));
  }
  variant('X-Request-Id not a token', (r) => {
    r.headers['x-request-id'] = rng.pick(['has spaces', 'r'.repeat(500), 'ünï', '<script>']);
    r.headers.authorization = 'Bearer mc_usr_fuzz-invalid';
  });
  if (op.method === 'PATCH' || op.method === 'PUT') {
    variant('If-Match not a version', (r) => (r.headers['if-match'] = rng.pick(['abc', '"99999999999"', 'W/"x"', '*', '-1'])));
  }
  if (op.params.some((x) => x.in === 'query')) {
    variant('unknown query parameter', (r) => {
      r.query.fuzzUnknown = '1';
      r.mustRefuse = false;
    });
  }

  // Body: every field broken in each way that applies, then the body as a whole.
  if (op.body) {
    const valid = gen(op.body.schema);
    const schema = flat(op.body.schema) ?? {};
    const put = (mutation: string, value: unknown) =>
      variant(mutation, (r) => {
        r.body = JSON.stringify(value);
      });
    const fields = fieldsOf(valid, op.body.schema);
    for (const f of fields) {
      // Each way of breaking a field, on a sample of the fields (every field over the seeds).
      if (!rng.chance(fields.length > 8 ? 0.5 : 1)) continue;
      for (const [what, bad] of badValuesFor(f.schema)) put(`body ${f.path.join('.')}: ${what}`, setAt(valid, f.path, bad));
    }
    for (const key of (schema.required ?? []) as string[]) put(`body: missing required ${key}`, setAt(valid, [key], DELETE));
    if (schema.additionalProperties === false) {
      put('body: unknown field', { ...(valid as object), fuzzUnknown: 1 });
      put('body: 5,000 unknown fields', { ...(valid as object), ...Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`u${i}`, i])) });
      put('body: key with a lone surrogate', { ...(valid as object), ['k\ud800']: 1 });
    }
    if (schema.type === 'object' || schema.properties) {
      put('body: an array instead of an object', [valid]);
      put('body: a string instead of an object', 'fuzz');
      put('body: null', null);
    }
    variant('body: nested 10,000 deep', (r) => (r.body = nested(10_000)));
    variant('body: nested 33 deep in a field', (r) => (r.body = `{"fuzz":${nested(33)}}`));
    variant('body: over the size limit', (r) => (r.body = JSON.stringify({ pad: 'p'.repeat(MAX_BODY_BYTES + 10) })));
    variant('body: malformed JSON', (r) => (r.body = rng.pick(['{"a":', '{a:1}', "{'a':1}", '[1,]', '\u0000', '{"a":1}}'])));
    variant('body: a JSON string with a lone surrogate escape', (r) => (r.body = '"\\ud800"'));
    variant('body: bytes that are not UTF-8', (r) => {
      r.bytes = new Uint8Array([...Buffer.from(r.body ?? '{}').subarray(0, 1), rng.pick([0xff, 0xc3, 0xed]), ...Buffer.from(r.body ?? '{}').subarray(1)]);
      r.body = `${r.body} (with a byte that is not UTF-8 after the first character)`;
    });
    variant('body: text/plain', (r) => (r.headers['content-type'] = 'text/plain'));
    variant('body: form-encoded', (r) => {
      r.headers['content-type'] = 'application/x-www-form-urlencoded';
      r.body = 'a=1&b=2';
    });
    variant('body: no content type', (r) => delete r.headers['content-type']);
    if (op.body.required) variant('body: missing', (r) => (r.body = undefined));
  }
  return out;
}

function stripAuth(headers: Record<string, string>): Record<string, string> {
  const { authorization: _a, 'x-api-key': _k, ...rest } = headers;
  return rest;
}

// ---------------------------------------------------------------------------------------------------------------
// State: a fingerprint of the domain tables
// ---------------------------------------------------------------------------------------------------------------

/** Tables and columns that change on refused requests by design: rate-limit counters, replay records, last-used. */
const BOOKKEEPING_TABLES = new Set(['rate_limits', 'idempotency_keys']);
const BOOKKEEPING_COLUMNS = new Set(['api_keys.last_used_at', 'agent_keys.last_used_at', 'agents.last_seen_at']);
let fingerprintSql = '';

const rowsOf = <T>(name: string, query: string) => queryRaw<T>(h.database.db, name, query, []);

async function prepareFingerprint() {
  const columns = await rowsOf<{ table_name: string; column_name: string }>(
    'fuzz_columns',
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const c of columns) {
    if (BOOKKEEPING_TABLES.has(c.table_name) || BOOKKEEPING_COLUMNS.has(`${c.table_name}.${c.column_name}`)) continue;
    byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), `"${c.column_name}"`]);
  }
  expect(byTable.size, 'the fingerprint covers the domain tables').toBeGreaterThan(10);
  fingerprintSql = [...byTable]
    .map(([table, cols]) => {
      // An order-free digest (a sum of 64-bit row hashes): no sort, so a fingerprint costs one scan per table.
      return `SELECT '${table}' AS t, count(*)::int AS n, coalesce(sum(hashtextextended(row(${cols.join(', ')})::text, 0)), 0)::text AS h FROM "${table}"`;
    })
    .join(' UNION ALL ');
}

let fpTime = 0;
let fpCount = 0;
async function fingerprint(): Promise<Map<string, string>> {
  const t0 = performance.now();
  fpCount++;
  await h.deps.keyUsage.flush();
  try {
    return await fingerprintNow();
  } finally {
    fpTime += performance.now() - t0;
  }
}
async function fingerprintNow(): Promise<Map<string, string>> {
  const rows = await rowsOf<{ t: string; n: number; h: string }>('fuzz_fingerprint', fingerprintSql);
  return new Map(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
}

/**
 * The state after the last write, while nothing else can have changed it: writes run one after another, so the
 * state after one is the state before the next, and one fingerprint per write suffices. Forgotten after a read
 * (a read may write, e.g. the one-time key handover of a registration poll) and after the suite's own writes.
 */
let lastKnownState: Map<string, string> | undefined;
async function stateNow() {
  lastKnownState = await fingerprint();
  return lastKnownState;
}
const stateBefore = async () => lastKnownState ?? stateNow();
const forgetState = () => {
  lastKnownState = undefined;
};

function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((t) => before.get(t) !== after.get(t));
}

// ---------------------------------------------------------------------------------------------------------------

beforeAll(async () => {
  console.log(`[fuzz] seed ${SEED} — reproduce with: ${REPRODUCE}`);
  const t0 = performance.now();
  h = await createHarness({ config: { allowPrivateNetwork: true }, limits: { maxBodyBytes: MAX_BODY_BYTES } });
  const r = await h.app.app.request('http://mc.test/api/openapi');
  doc = (await r.json()) as Schema;
  ops = operationsOf(doc);

  team = await createTeam(h);
  memberCookie = await login(h, team.member.email, team.member.password);
  agent = await activeAgent(h, team.owner.key, team.ws.id);
  // Agents that requests act on (approve, reject, rotate, deactivate, …): two active, two pending.
  const others = await Promise.all([activeAgent(h, team.owner.key, team.ws.id), activeAgent(h, team.owner.key, team.ws.id)]);
  // The fuzz agent and one of the others have an endpoint (a port that refuses at once), so that a generated
  // dispatch can reach them (the agent holds a ticket below: a dispatch without agentId goes to it).
  for (const id of [agent.id, others[0].id]) {
    expectOk(await h.call('PATCH', `/api/v1/agents/${id}`, { key: team.owner.key, body: { endpoint: 'http://127.0.0.1:9/agent' } }));
  }
  const [pending, pending2] = await Promise.all([registerPending(h, team.ws.id), registerPending(h, team.ws.id)]);
  const [targetUser, memberUser, spareUser] = await Promise.all([h.newUser('Target'), h.newUser('Mate'), h.newUser('Spare')]);
  await addMember(h, team.owner.key, team.ws.id, targetUser.email, 'member');
  await addMember(h, team.owner.key, team.ws.id, memberUser.email, 'member');
  const tickets: string[] = [];
  for (let i = 0; i < 6; i++) {
    const t = expectOk(await h.call('POST', '/api/v1/tickets', { key: team.member.key, body: { workspaceId: team.ws.id, title: `Fuzz ticket ${i}`, labels: ['fuzz'] } }), 201);
    tickets.push(t.id);
  }
  // The agent holds one of them, so that release/report paths have a holder.
  expectOk(await h.call('PATCH', `/api/v1/tickets/${tickets[0]}/claim`, { key: agent.key }));
  expectOk(await h.call('POST', `/api/v1/tickets/${tickets[1]}/comments`, { key: agent.key, body: { body: '@all fuzzing' } }), 201);
  const notifications = expectOk(await h.call('GET', '/api/v1/notifications', { key: h.admin.key }));
  const ownerNotifications = expectOk(await h.call('GET', '/api/v1/notifications', { key: team.owner.key }));
  const apiKeyId = expectOk(await h.call('POST', '/api/v1/me/api-keys', { key: h.admin.key, body: { name: 'fuzz spare key' } }), 201).id as string;
  const webhookId = expectOk(
    await h.call('POST', '/api/v1/webhooks', { key: team.owner.key, body: { workspaceId: team.ws.id, url: 'http://127.0.0.1:9/hook', events: ['ticket.created'] } }),
    201,
  ).id as string;
  expectOk(await h.call('POST', '/api/v1/tickets', { key: team.member.key, body: { workspaceId: team.ws.id, title: 'Fuzz ticket for the webhook' } }), 201);
  await dispatchWebhookEvents(h.ctxFor({ kind: 'system', name: 'fuzz' }));
  const [delivery] = expectOk(await h.call('GET', `/api/v1/webhook-deliveries?webhookId=${webhookId}`, { key: team.owner.key }));
  const started = await h.call('POST', '/api/v1/executions', { key: agent.key, body: { ticketId: tickets[0] } });
  let executionId: string;
  if (started.status === 201) executionId = started.body.data.id;
  else {
    executionId = newId('exe');
    await h.database.db.insert(executions).values({ id: executionId, workspaceId: team.ws.id, agentId: agent.id, status: 'running', startedAt: new Date() });
  }
  const epic = await h.call('POST', '/api/v1/epics', { key: team.member.key, body: { workspaceId: team.ws.id, title: 'Fuzz epic' } });
  const cronId = expectOk(
    await h.call('POST', '/api/v1/crons', {
      key: team.owner.key,
      body: { name: 'Fuzz cron', schedule: '*/30 * * * *', targets: [{ workspaceId: team.ws.id, agentId: others[0].id }], task: { title: 'Fuzz cron task' } },
    }),
    201,
  ).id as string;
  const gatewayId = expectOk(
    await h.call('POST', '/api/v1/gateways', { key: team.owner.key, body: { workspaceId: team.ws.id, name: 'Fuzz gateway', url: 'wss://gw.example.com', token: 'fuzz-token' } }),
    201,
  ).id as string;
  world = {
    workspace: { id: team.ws.id, slug: team.ws.slug },
    tickets,
    agents: [...others.map((a) => a.id), pending2.id],
    pending: { id: pending.id, secret: pending.secret },
    targetUser,
    memberUser,
    spareUser,
    apiKeyId,
    notificationId: (ownerNotifications[0] ?? notifications[0])?.id ?? 'ntf_none',
    webhookId,
    deliveryId: delivery?.id ?? 'whd_none',
    executionId,
    epicId: epic.status === 201 ? epic.body.data.id : null,
    cronId,
    gatewayId,
  };
  await prepareFingerprint();
  console.log(`[fuzz] world ready in ${Math.round(performance.now() - t0)} ms`);
});

afterAll(async () => {
  console.log(`[fuzz] seed ${SEED}: ${sent} requests over ${ops?.length ?? 0} operations; ${fpCount} fingerprints ${Math.round(fpTime)} ms`);
  await h?.close();
});

/** GET first, DELETE last (and archiving the workspace last of all), so that later calls still find what they act on. */
function inSafeOrder(list: Operation[]): Operation[] {
  const rank = (o: Operation) => ({ GET: 0, POST: 1, PATCH: 2, PUT: 3, DELETE: 4 })[o.method] ?? 5;
  const last = (o: Operation) => (o.method === 'DELETE' && o.path === '/api/v1/workspaces/{id}' ? 1 : 0);
  return [...list].sort((a, b) => last(a) - last(b) || rank(a) - rank(b) || a.path.localeCompare(b.path));
}

/** Undo what valid calls did that would stop later ones from reaching their use case (an archived workspace). */
async function keepWorldUsable() {
  const ws = await h.call('GET', `/api/v1/workspaces/${world.workspace.id}`, { key: team.owner.key });
  if (ws.status === 200 && ws.body.data.archived) {
    expectOk(await h.call('PATCH', `/api/v1/workspaces/${world.workspace.id}`, { key: team.owner.key, body: { archived: false } }));
    forgetState();
  }
}

describe(`fuzz every operation of the OpenAPI document (seed ${SEED})`, () => {
  it('walks a document with operations of every kind', () => {
    expect(ops.length).toBeGreaterThan(50);
    expect(new Set(ops.map((o) => o.auth))).toEqual(new Set(['public', 'registration', 'gateway', 'user', 'agent', 'any']));
  });

  it('invalid inputs: every one refused with a 4xx in the envelope, and none changes state', async () => {
    const failures: string[] = [];
    for (const op of inSafeOrder(ops)) {
      const requests = invalidRequests(op);
      const before = op.write ? await stateBefore() : undefined;
      for (const r of requests) {
        try {
          failures.push(...problemsOf(r, await send(r)));
        } catch (err) {
          failures.push(`${(err as Error).message} — ${describeRequest(r)}`);
        }
      }
      if (before) {
        const changed = changedTables(before, await stateNow());
        if (changed.length) failures.push(`refused requests of ${op.operationId} changed ${changed.join(', ')}`);
      } else forgetState();
    }
    forgetState();
    // Methods a path does not have, and paths that do not exist: 405 and 404 in the envelope.
    const byPath = new Map<string, Set<string>>();
    for (const op of ops) byPath.set(op.path, new Set([...(byPath.get(op.path) ?? []), op.method]));
    for (const [path, methods] of byPath) {
      const op = ops.find((o) => o.path === path)!;
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !methods.has(m))) {
        const r: Request = { ...validRequest(op, 'admin'), op: { ...op, method }, mutation: 'method not allowed', mustRefuse: true };
        if (method === 'GET') r.body = undefined;
        try {
          failures.push(...problemsOf(r, await send(r)));
        } catch (err) {
          failures.push(`${(err as Error).message} — ${describeRequest(r)}`);
        }
      }
    }
    for (const path of ['/api/v1/fuzz-nothing', '/api/v1/tickets/x/y/z', '/api/v2/fuzz', '/api/v1/%00', '/api/v1/tickets/%E0%A4%A']) {
      const op: Operation = { method: rng.pick(['GET', 'POST']), path, operationId: 'noSuchEndpoint', auth: 'any', params: [], write: false };
      const r: Request = { op, cred: 'admin', mutation: 'unknown path', path: {}, query: {}, headers: credentialHeaders('admin'), mustRefuse: true };
      failures.push(...problemsOf(r, await send(r)));
    }
    expect(failures, `${failures.length} failures; reproduce with ${REPRODUCE}`).toEqual([]);
  }, PHASE_TIMEOUT_MS);

  it('valid inputs as every kind of caller: no 5xx, errors in the envelope, refused writes change nothing', async () => {
    const failures: string[] = [];
    const reached = new Set<string>();
    for (const op of inSafeOrder(ops)) {
      const callers: CredName[] = [...CALLERS, naturalCaller(op), naturalCaller(op)];
      if (op.auth === 'registration') callers.push('registration');
      for (const cred of callers) {
        const r = validRequest(op, cred);
        try {
          const before = op.write ? await stateBefore() : undefined;
          const a = await send(r);
          const after = before ? await stateNow() : forgetState();
          failures.push(...problemsOf(r, a));
          if (a.status < 300) reached.add(op.operationId);
          if (process.env.FUZZ_VERBOSE) console.log(`[fuzz] ${a.status} ${describeRequest(r)} → ${a.text.slice(0, 200)}`);
          if (before && after && a.status >= 400) {
            const changed = changedTables(before, after);
            if (changed.length) failures.push(`refused (${a.status}) but changed ${changed.join(', ')} — ${describeRequest(r)} → ${a.text.slice(0, 200)}`);
          }
        } catch (err) {
          failures.push(`${(err as Error).message} — ${describeRequest(r)}`);
          forgetState();
        }
      }
      if (op.write) await keepWorldUsable();
    }
    const never = ops.filter((o) => !reached.has(o.operationId)).map((o) => o.operationId);
    console.log(`[fuzz] seed ${SEED}: ${reached.size}/${ops.length} operations answered 2xx to a generated call; never: ${never.join(', ') || 'none'}`);
    expect(failures, `${failures.length} failures; reproduce with ${REPRODUCE}`).toEqual([]);
  }, PHASE_TIMEOUT_MS);
});
