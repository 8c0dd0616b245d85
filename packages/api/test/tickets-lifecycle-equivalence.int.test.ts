// The agent fast path (one generated statement per lifecycle edge, update-ticket.ts) against the general path (the
// transaction every other caller takes), side by side on identical fresh tickets, for every (from, to, mover, lease
// state): from and to over all five statuses (25 pairs, the refused ones too), the mover being the agent that holds
// the ticket, its assigned agent, both at once, or another agent of the workspace, and the lease live, expired (not
// yet swept) or absent. Plus: a stale or current `version`, and an archived workspace. The fast side is the real
// HTTP call (`PATCH /tickets/{id}` with the agent's key: fast path first, general path when it matches nothing); the
// general side calls the use case with `{ fastPath: false }` (internal, not reachable from HTTP). On a manual clock
// both write the same timestamps, so the comparison is exact once ticket ids and numbers are replaced: the ticket
// row, its activity entries, its outbox events, its notifications, and the answer (status, error code, message,
// details, or the ticket as answered).
import { ERROR_STATUS, type ErrorCode } from '@mc/contracts';
import { agentFastPathEdges, agentFastPathOnly, DomainError, ManualClock, updateTicket, type Ctx } from '@mc/core';
import { queryRaw } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { createTicket, type Agent } from './tickets.fixtures';

const STATUSES = ['todo', 'in_progress', 'pr_review', 'done', 'closed'] as const;
type Status = (typeof STATUSES)[number];
const ROLES = ['holder', 'assignee', 'holder+assignee', 'other'] as const;
type Role = (typeof ROLES)[number];
const LEASES = ['live', 'expired', 'none'] as const;
type Lease = (typeof LEASES)[number];

const clock = new ManualClock(new Date('2026-06-01T12:00:00.000Z'));
let h: Harness;
let team: Team;
/** The mover (A), another holder (B), another assignee (C). */
let A: Agent, B: Agent, C: Agent;

beforeAll(async () => {
  h = await createHarness({ clock });
  team = await createTeam(h);
  [A, B, C] = await Promise.all([0, 1, 2].map(() => activeAgent(h, team.admin.key, team.ws.slug)));
});
afterAll(async () => {
  await h?.close();
});

interface Case {
  from: Status;
  to: Status;
  role: Role;
  lease: Lease;
  version?: 'current' | 'stale';
  archived?: boolean;
}

/**
 * Bring a fresh ticket to the case's state, written straight into the row (both tickets of a case get the same):
 * the holder on record is A for the holder roles, else B while a lease exists; the assignee is A for the assignee
 * roles, else C; the lease runs 5 minutes more (live), ran out a minute ago (expired, the sweeper not yet there) or
 * is absent.
 */
async function ticketFor(c: Case, workspaceId: string, creatorKey: string) {
  const t = await createTicket(h, creatorKey, workspaceId, { title: `eq ${c.from}→${c.to} ${c.role} ${c.lease}` });
  const now = clock.now().getTime();
  const holds = c.role === 'holder' || c.role === 'holder+assignee';
  const holder = holds ? A.id : c.lease === 'none' ? null : B.id;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  await queryRaw(
    h.database.db,
    'eq_setup',
    'UPDATE tickets SET status = $2, claimed_by_agent_id = $3, claimed_at = $4::timestamptz, lease_expires_at = $5::timestamptz, assignee_agent_id = $6 WHERE id = $1',
    [
      t.id,
      c.from,
      holder,
      iso(holder ? now - 60_000 : null),
      iso(c.lease === 'live' ? now + 5 * 60_000 : c.lease === 'expired' ? now - 60_000 : null),
      c.role === 'assignee' || c.role === 'holder+assignee' ? A.id : C.id,
    ],
  );
  return t as { id: string; number: number; version: number };
}

/** Everything a move writes about one ticket, with its id and number replaced so that two tickets compare. */
async function traceOf(t: { id: string; number: number }) {
  const db = h.database.db;
  const row = await db.query.tickets.findFirst({ where: (x, { eq }) => eq(x.id, t.id) });
  const activity = await db.query.activity.findMany({ where: (a, { eq }) => eq(a.targetId, t.id), orderBy: (a, { asc }) => [asc(a.createdAt), asc(a.id)] });
  const events = await db.query.events.findMany({ where: (e, { sql }) => sql`${e.data}->'ticket'->>'id' = ${t.id}`, orderBy: (e, { asc }) => [asc(e.occurredAt), asc(e.id)] });
  const notes = await db.query.notifications.findMany({ where: (n, { eq }) => eq(n.ticketId, t.id), orderBy: (n, { asc }) => [asc(n.recipientKind), asc(n.recipientId)] });
  const eventIndex = new Map(events.map((e, i) => [e.id, i]));
  return normalise(t, {
    row: { ...row, id: undefined, number: undefined },
    activity: activity.map((a) => ({ ...a, id: undefined, requestId: undefined, search: undefined })), // search: the words of the summary, number included
    events: events.map((e) => ({ ...e, id: undefined, dispatchedAt: undefined })),
    notifications: notes.map((n) => ({ ...n, id: undefined, eventId: eventIndex.get(n.eventId ?? '') ?? n.eventId })),
  });
}

function normalise(t: { id: string; number: number }, value: unknown) {
  const text = JSON.stringify(value ?? null)
    .split(t.id)
    .join('<ticket>')
    .replace(new RegExp(`#${t.number}\\b`, 'g'), '#<n>')
    .replace(new RegExp(`"number":${t.number}\\b`, 'g'), '"number":"<n>"');
  return JSON.parse(text);
}

const agentCtx = (a: Agent): Ctx =>
  h.ctxFor({ kind: 'agent', agentId: a.id, workspaceId: team.ws.id, name: a.name, capabilities: ['code', 'review'], credentialId: 'equivalence' });

interface Answer {
  status: number;
  code?: string;
  message?: string;
  details?: unknown;
  ticket?: unknown;
}

async function viaHttp(c: Case, t: { id: string; version: number }, body: Record<string, unknown>): Promise<Answer> {
  const r = await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: A.key, body });
  if (r.body?.success) return { status: r.status, ticket: r.body.data };
  return { status: r.status, code: r.body?.error?.code, message: r.body?.error?.message, details: r.body?.error?.details };
}

async function viaGeneralPath(t: { id: string }, body: Record<string, unknown>): Promise<Answer> {
  try {
    return { status: 200, ticket: JSON.parse(JSON.stringify(await updateTicket(agentCtx(A), t.id, body as never, { fastPath: false }))) };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { status: ERROR_STATUS[err.code as ErrorCode], code: err.code, message: err.message, details: err.details ?? undefined };
  }
}

const bodyFor = (c: Case, version: number) => ({
  status: c.to,
  ...(c.to === 'closed' ? { closedReason: 'duplicate of #1' } : {}),
  ...(c.version ? { version: c.version === 'current' ? version : version + 7 } : {}),
});

/** Run one case on two identical fresh tickets, fast side and general side, and compare everything. */
async function compare(c: Case) {
  const fast = await ticketFor(c, team.ws.id, team.member.key);
  const general = await ticketFor(c, team.ws.id, team.member.key);
  const probe = await ticketFor(c, team.ws.id, team.member.key);
  const archive = (at: Date | null) => queryRaw(h.database.db, 'eq_archive', 'UPDATE workspaces SET archived_at = $2::timestamptz WHERE id = $1', [team.ws.id, at?.toISOString() ?? null]);
  if (c.archived) await archive(clock.now());
  // The moves happen a second after the setup (so that the log's order is the order of the steps), both at that time.
  clock.advance(1000);
  try {
    const a = await viaHttp(c, fast, bodyFor(c, fast.version));
    const b = await viaGeneralPath(general, bodyFor(c, general.version));
    const label = JSON.stringify(c);
    // The generated statement matches exactly when the general path lets the move through (for the edges that have
    // one): so the HTTP side above took the fast path whenever it could, and never wrote what the general path refuses.
    const matched = await agentFastPathOnly(agentCtx(A), probe.id, bodyFor(c, probe.version) as never);
    const hasFastPath = FAST_EDGES.has(`${c.from}>${c.to}`);
    expect(matched !== null, `${label}: the fast path matched`).toBe(hasFastPath && b.status === 200);
    if (matched) fastMoves++;
    expect(normalise(fast, a), `${label}: the answer`).toEqual(normalise(general, b));
    const [ta, tb] = [await traceOf(fast), await traceOf(general)];
    expect(ta.row, `${label}: the ticket row`).toEqual(tb.row);
    expect(ta.activity, `${label}: activity`).toEqual(tb.activity);
    expect(ta.events, `${label}: outbox events`).toEqual(tb.events);
    expect(ta.notifications, `${label}: notifications`).toEqual(tb.notifications);
    return a;
  } finally {
    if (c.archived) await archive(null);
  }
}

const FAST_EDGES = new Set(agentFastPathEdges().map((e) => `${e.from}>${e.to}`));
let fastMoves = 0;

const CASES: Case[] = STATUSES.flatMap((from) => STATUSES.flatMap((to) => ROLES.flatMap((role) => LEASES.map((lease) => ({ from, to, role, lease })))));

describe('lifecycle: the agent fast path and the general path agree', () => {
  it(`on every (from, to, mover, lease state): ${CASES.length} cases`, async () => {
    const outcomes = new Map<string, number>();
    for (const c of CASES) {
      const a = await compare(c);
      const k = a.status === 200 ? 'moved' : `${a.status} ${a.code}`;
      outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    }
    // The enumeration is not vacuous: moves succeed and are refused in each way the general path refuses.
    expect(outcomes.get('moved')).toBeGreaterThan(30);
    // Every edge an agent takes as holder or assignee has its statement, and the statements did the moving.
    expect([...FAST_EDGES].sort()).toEqual(['done>closed', 'in_progress>pr_review', 'in_progress>todo', 'pr_review>done', 'pr_review>in_progress']);
    expect(fastMoves).toBeGreaterThan(20);
    for (const refusal of ['409 INVALID_TRANSITION', '403 FORBIDDEN']) expect(outcomes.get(refusal), refusal).toBeGreaterThan(0);
  }, 600_000);

  it('with a current or a stale version, and in an archived workspace', async () => {
    const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => ({ from, to })));
    for (const { from, to } of pairs) {
      for (const version of ['current', 'stale'] as const) await compare({ from, to, role: 'holder', lease: 'live', version });
      await compare({ from, to, role: 'holder+assignee', lease: 'none', archived: true });
    }
  }, 600_000);
});
