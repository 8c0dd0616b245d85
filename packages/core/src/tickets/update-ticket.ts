import { agents, epics, tickets } from '@mc/db';
import { and, eq, sql } from 'drizzle-orm';
import { actorOf, recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { conflict, forbidden, invalidTransition, staleVersion, validation } from '../errors';
import { emitEvent, ticketEventFields, ticketRefSql } from '../events/emit-event';
import { liveJson, liveNotifySql } from '../shared/live';
import { ID_PREFIX, newId } from '../shared/ids';
import { statement } from '../shared/statement';
import { workspaceOpenSql } from '../shared/workspace-access';
import { explainWithLease } from './lease';
import { AGENT_MOVER_SQL, assertCanWrite, isHeld, OPEN_AGENT_STANDING, requireTicketAccess, standingOf, ticketAnswer } from './ticket-access';
import { ticketFromSql, type TicketRow } from './ticket-dto';
import { recordPullRequestLinks } from './ticket-links';
import { noticeDrafts, noticeIdParams, noticeSql } from './ticket-notices';
import {
  agentRefusal,
  allowedNextStatuses,
  callerMoves,
  CLAIM_LEASE_MS,
  claimAfter,
  claimEffectSql,
  edgesVia,
  fill,
  moveEdge,
  moverMay,
  PRIORITY_RANK,
  refusedMoveReason,
  TICKET_STATUSES,
  transitionAllowed,
  type Edge,
  type Mover,
  type TicketPriority,
  type TicketStatus,
} from './tickets.rules';

export interface UpdateTicketInput {
  title?: string;
  description?: string;
  priority?: TicketPriority;
  labels?: string[];
  epicId?: string | null;
  requiredCapabilities?: string[];
  wikiRefs?: string[];
  status?: TicketStatus;
  /** Why a ticket is closed ("won't do", "duplicate of #12"). */
  closedReason?: string;
  version?: number;
}

/**
 * An agent's PATCH move as one statement (the hot path of every agent: in_progress → pr_review → done), because
 * there the number of statements is the cost (bench/README.md). Generated from the lifecycle table, one statement
 * per edge: for each status `to`, the one `move` edge into it that an agent can take as its holder or assignee
 * (none when the table has several, or the edge is refused to agents, or its notice cannot be written from the
 * moved row). The UPDATE matches only when every rule of the general path below would let the move through: the
 * ticket is in the agent's workspace and in the edge's `from`, the agent is one of the edge's movers
 * (`AGENT_MOVER_SQL`), the workspace is not archived and the version (when sent) is current; it applies the edge's
 * claim effect (`claimEffectSql`). Only then, in the same statement: the activity entry, the outbox event, the
 * edge's notifications (`noticeSql`) and the live announcement with their recipients. No row: `updateTicket` takes
 * the general path, which finds the precise answer (404, 403, 409, a stale version).
 */
function agentMoveStatement(edge: Edge) {
  const movers = edge.by.filter((m) => AGENT_MOVER_SQL[m as Mover]);
  const notice = noticeSql(edge.notify, 'm');
  if (!movers.length || !notice || edge.agentsRefused) return null;
  const set = [
    `status = '${edge.to}'`,
    'status_changed_at = :now::timestamptz',
    'updated_at = :now::timestamptz',
    ...claimEffectSql(edge.claim, 't'),
    ...(edge.to === 'closed' ? ['closed_reason = :closedReason::text'] : []),
    'version = t.version + 1',
  ];
  const stmt = statement<
    | 'ticketId' | 'workspaceId' | 'agentId' | 'from' | 'to' | 'version' | 'closedReason' | 'now' | 'leaseUntil'
    | 'activityId' | 'actorKind' | 'actorId' | 'actorName' | 'activityMetadata' | 'requestId' | 'eventId' | 'eventVersion' | 'eventData' | 'live'
  >(
    `mc_move_${edge.from}_${edge.to}`,
    `WITH m AS (
    UPDATE tickets t SET ${set.join(', ')}
    WHERE t.id = :ticketId AND t.workspace_id = :workspaceId AND t.status = '${edge.from}'
      AND (${movers.map((m) => AGENT_MOVER_SQL[m as Mover]!('t')).join(' OR ')})
      AND (:version::int IS NULL OR t.version = :version::int)
      AND ${workspaceOpenSql('t.workspace_id')}
    RETURNING t.*),
  act AS (
    INSERT INTO activity (id, workspace_id, actor_kind, actor_id, actor_name, action, target_kind, target_id, summary, metadata, status, request_id, created_at)
    SELECT :activityId::text, m.workspace_id, :actorKind::text, :actorId::text, :actorName::text, '${edge.activity}', 'ticket', m.id,
      'moved #' || m.number || ' from ' || :from::text || ' to ' || :to::text, :activityMetadata::jsonb, m.status, :requestId::text, :now::timestamptz
    FROM m),
  ev AS (
    INSERT INTO events (id, workspace_id, type, version, actor_kind, actor_id, actor_name, data, occurred_at)
    SELECT :eventId::text, m.workspace_id, '${edge.event}', :eventVersion::int, :actorKind::text, :actorId::text, :actorName::text,
      jsonb_build_object('ticket', ${ticketRefSql('m')}) || :eventData::jsonb, :now::timestamptz
    FROM m)${notice.slots ? `,
  ntf AS (${notice.sql})` : ''}
  SELECT m.*, ${liveNotifySql(':live', `jsonb_build_object('recipients', ${notice.slots ? `(SELECT coalesce(jsonb_agg(n.recipient_kind || ':' || n.recipient_id), '[]'::jsonb) FROM ntf n)` : `'[]'::jsonb`})`)} AS published
  FROM m`,
  );
  return { edge, stmt, slots: notice.slots };
}

const AGENT_MOVES = Object.fromEntries(
  TICKET_STATUSES.map((to) => {
    const into = edgesVia('move').filter((e) => e.to === to && e.by.some((m) => AGENT_MOVER_SQL[m as Mover]) && !e.agentsRefused);
    return [to, into.length === 1 ? agentMoveStatement(into[0]) : null];
  }),
) as Record<TicketStatus, ReturnType<typeof agentMoveStatement>>;

/** The fast path of `updateTicket` for an agent's pure status move; null when it does not apply or matched nothing. */
async function tryAgentMove(ctx: Ctx, ticketId: string, input: UpdateTicketInput): Promise<TicketRow | null> {
  const me = ctx.principal;
  if (me.kind !== 'agent' || input.status === undefined) return null;
  const { status: to, version, closedReason, ...rest } = input;
  if (Object.values(rest).some((v) => v !== undefined)) return null;
  const move = AGENT_MOVES[to];
  if (!move) return null;
  const { from } = move.edge;
  const now = ctx.clock.now();
  const actor = actorOf(me);
  const closed = to === 'closed' ? (closedReason ?? null) : null;
  const event = ticketEventFields(ctx, 'ticket.moved', { from, to });
  const [row] = await move.stmt.run(ctx.db, {
    ticketId,
    workspaceId: me.workspaceId,
    agentId: me.agentId,
    from,
    to,
    version: version ?? null,
    closedReason: closed,
    now: now.toISOString(),
    leaseUntil: new Date(now.getTime() + CLAIM_LEASE_MS).toISOString(),
    activityId: newId(ID_PREFIX.activity, now.getTime()),
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: actor.name,
    activityMetadata: JSON.stringify({ from, to, closedReason: closed }),
    requestId: ctx.requestId,
    eventId: event.id,
    eventVersion: event.version,
    eventData: event.restJson,
    ...noticeIdParams(move.slots, event.occurredAt),
    live: liveJson(ctx, { type: 'ticket.moved', workspaceId: me.workspaceId, ticketId, status: to, eventId: event.id }),
  });
  return row ? ticketFromSql(row) : null;
}

/** The PATCH moves that have a one-statement fast path for agents (the lifecycle equivalence test enumerates them). */
export const agentFastPathEdges = (): { from: TicketStatus; to: TicketStatus }[] =>
  Object.values(AGENT_MOVES).flatMap((m) => (m ? [{ from: m.edge.from, to: m.edge.to }] : []));

/**
 * The fast path alone, for an agent's PATCH: the ticket as answered when the generated statement matched, null when
 * it does not apply or matched nothing (then `updateTicket` would take the general path). Not reachable from HTTP;
 * the lifecycle equivalence test holds it to the general path (packages/api/test/tickets-lifecycle-equivalence.int.test.ts).
 */
export async function agentFastPathOnly(ctx: Ctx, ticketId: string, input: UpdateTicketInput) {
  const moved = await tryAgentMove(ctx, ticketId, input);
  return moved ? ticketAnswer(ctx, moved, OPEN_AGENT_STANDING) : null;
}

/** A holder's name for a refusal (slow path only); its id when the row is gone. */
async function agentName(ctx: Ctx, agentId: string): Promise<string> {
  const [row] = await ctx.db.select({ name: agents.name }).from(agents).where(eq(agents.id, agentId)).limit(1);
  return row?.name ?? agentId;
}

/**
 * PATCH /tickets/{id} — edit fields and/or move the status through the state machine (tickets.rules.ts).
 * A refused move is 409 INVALID_TRANSITION listing the allowed next states; a move the caller may not make
 * (a claimed ticket moved by someone other than its holder, assignee or an admin) is 403.
 */
export async function updateTicket(ctx: Ctx, ticketId: string, input: UpdateTicketInput, internal: { fastPath?: boolean } = {}) {
  // `internal.fastPath: false` (tests only; not reachable from HTTP) runs the general path for an agent's move too.
  const moved = internal.fastPath === false ? null : await tryAgentMove(ctx, ticketId, input);
  if (moved) return ticketAnswer(ctx, moved, OPEN_AGENT_STANDING);
  return inTransaction(ctx, async (tx) => {
    const a = await requireTicketAccess(tx, ticketId, { lock: true });
    assertCanWrite(a);
    const t = a.ticket;
    if (input.version !== undefined && input.version !== t.version) {
      throw staleVersion('ticket', t.version, input.version);
    }
    const now = tx.clock.now();
    const changes: Partial<TicketRow> = {};
    if (input.title !== undefined) changes.title = input.title;
    if (input.description !== undefined) changes.description = input.description;
    if (input.priority !== undefined) changes.priority = PRIORITY_RANK[input.priority];
    if (input.labels !== undefined) changes.labels = [...new Set(input.labels)];
    if (input.requiredCapabilities !== undefined) changes.requiredCapabilities = [...new Set(input.requiredCapabilities)];
    if (input.wikiRefs !== undefined) changes.wikiRefs = [...new Set(input.wikiRefs)];
    if (input.epicId !== undefined) {
      if (input.epicId) {
        const [epic] = await tx.db.select({ id: epics.id }).from(epics).where(and(eq(epics.id, input.epicId), eq(epics.workspaceId, t.workspaceId)));
        if (!epic) throw validation([{ field: 'epicId', in: 'body', message: 'no such epic' }], 'epicId: no such epic in this workspace');
      }
      changes.epicId = input.epicId;
    }

    const from = t.status as TicketStatus;
    const to = input.status;
    const moving = to !== undefined && to !== from;
    if (moving) {
      // Every refusal says its real reason; an agent that lost its lease on the ticket is told that (lease.ts).
      if (!transitionAllowed(from, to)) {
        const allowed = allowedNextStatuses(from);
        const message = allowed.length
          ? `ticket #${t.number} is ${from}: it cannot go from ${from} to ${to} (allowed: ${allowed.join(', ')})`
          : `ticket #${t.number} is ${from}: a ${from} ticket does not move any more`;
        throw await explainWithLease(tx, t, invalidTransition(message, { from, to, allowed }));
      }
      const edge = moveEdge(from, to)!;
      const caller = ctx.principal.kind === 'agent' ? 'agent' : 'person';
      const agentsRefused = agentRefusal(edge, caller, a.movers);
      if (agentsRefused) throw await explainWithLease(tx, t, conflict(fill(agentsRefused, { from, to, id: t.id, number: t.number }), { from, to }));
      if (!moverMay(from, to, a.movers)) {
        const holderName = isHeld(t) && !a.movers.includes('holder') ? await agentName(tx, t.claimedByAgentId!) : null;
        throw await explainWithLease(
          tx,
          t,
          forbidden(refusedMoveReason(from, to, a.movers, { number: t.number, holderName, caller }), {
            from,
            to,
            allowedMovers: edge.by,
            yourMoves: callerMoves(from, a.movers, caller),
          }),
        );
      }
      Object.assign(changes, { status: to, statusChangedAt: now }, claimAfter(edge.claim, t, now));
      if (to === 'closed') changes.closedReason = input.closedReason ?? null;
    } else if (input.closedReason !== undefined && from === 'closed') {
      changes.closedReason = input.closedReason;
    }
    // Any write of the holder renews its lease.
    if (a.movers.includes('holder') && (changes.status ?? from) === 'in_progress') {
      changes.leaseExpiresAt = new Date(now.getTime() + CLAIM_LEASE_MS);
    }
    // Nothing to write (an empty PATCH, or a move to the status it already has): answer without a new version.
    if (Object.keys(changes).length === 0) return ticketAnswer(tx, t, standingOf(a.access));
    const [row] = await tx.db
      .update(tickets)
      .set({ ...changes, updatedAt: now, version: sql`${tickets.version} + 1` })
      .where(eq(tickets.id, t.id))
      .returning();
    if (input.description !== undefined) {
      await recordPullRequestLinks(tx, {
        workspaceId: t.workspaceId,
        ticketId: t.id,
        commentId: null,
        text: input.description,
        defaultRepository: a.access.workspace.defaultRepository,
      });
    }
    const edited = Object.keys(changes).filter((k) => !['status', 'statusChangedAt', 'leaseExpiresAt', 'claimedByAgentId', 'claimedAt', 'closedReason'].includes(k));
    if (moving) {
      await recordActivity(tx, {
        workspaceId: t.workspaceId,
        action: moveEdge(from, to!)!.activity,
        target: { kind: 'ticket', id: t.id },
        summary: `moved #${t.number} from ${from} to ${to}`,
        metadata: { from, to, closedReason: changes.closedReason ?? null },
        status: row.status,
      });
    }
    if (edited.length) {
      await recordActivity(tx, {
        workspaceId: t.workspaceId,
        action: 'ticket.updated',
        target: { kind: 'ticket', id: t.id },
        summary: `edited ${edited.join(', ')} of #${t.number}`,
        metadata: { fields: edited },
      });
    }
    const live = { ticketId: t.id, status: row.status };
    if (moving) {
      const edge = moveEdge(from, to!)!;
      const notices = noticeDrafts(edge.notify, t, row, { actor: actorOf(tx.principal).name, from, to: to! });
      await emitEvent(tx, edge.event, t.workspaceId, { ticket: { id: row.id, number: row.number, title: row.title, status: row.status }, from, to: to! }, live, notices);
    }
    if (edited.length) await emitEvent(tx, 'ticket.updated', t.workspaceId, { ticket: { id: row.id, number: row.number, title: row.title, status: row.status }, fields: edited }, live);
    return ticketAnswer(tx, row, standingOf(a.access));
  });
}
