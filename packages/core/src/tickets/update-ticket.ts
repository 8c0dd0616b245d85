import { agents, epics, tickets } from '@mc/db';
import { and, eq, sql } from 'drizzle-orm';
import { actorOf, recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { DomainError, staleVersion } from '../errors';
import { emitEvent, ticketEventFields, ticketRefSql } from '../events/emit-event';
import { liveJson, liveNotifySql } from '../events/live';
import { statusChangeNotificationIds, statusChangeNotificationsSql } from '../notifications/notify';
import { ID_PREFIX, newId } from '../shared/ids';
import { statement } from '../shared/statement';
import { workspaceOpenSql } from '../workspaces/workspace-access';
import { explainWithLease } from './lease';
import { assertCanWrite, isHeld, OPEN_AGENT_STANDING, requireTicketAccess, standingOf, ticketAnswer } from './ticket-access';
import { ticketFromSql, type TicketRow } from './ticket-dto';
import { recordPullRequestLinks } from './ticket-links';
import {
  allowedNextStatuses,
  CLAIM_LEASE_MS,
  moverMay,
  movesAllowedFor,
  PRIORITY_RANK,
  refusedMoveReason,
  TICKET_TRANSITIONS,
  TICKET_STATUSES,
  transitionAllowed,
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

/** Statuses whose entry keeps the holder on record (as who did the work) and only ends the lease. */
const KEEPS_HOLDER_ENDS_LEASE: Record<TicketStatus, boolean> = { todo: false, in_progress: false, pr_review: true, done: true, closed: true };

/** What the claim and lease become when a ticket enters `to`. */
function claimAfterMove(t: TicketRow, to: TicketStatus, now: Date): Partial<TicketRow> {
  if (KEEPS_HOLDER_ENDS_LEASE[to]) return { leaseExpiresAt: null };
  return to === 'todo'
    ? { claimedByAgentId: null, claimedAt: null, leaseExpiresAt: null }
    : t.claimedByAgentId
      ? { leaseExpiresAt: new Date(now.getTime() + CLAIM_LEASE_MS) }
      : {};
}

/**
 * The one status an agent can move a ticket from to reach `to`, and as what (holder, assignee), read off the
 * transition table; null when the fast path does not apply: the move changes the claim or the lease beyond ending
 * it (todo, in_progress), or the table allows several starting statuses.
 */
function agentMoveFrom(to: TicketStatus): { from: TicketStatus; holderMay: boolean; assigneeMay: boolean } | null {
  if (!KEEPS_HOLDER_ENDS_LEASE[to]) return null;
  const froms = TICKET_STATUSES.filter((from) => from !== to && moverMay(from, to, ['holder', 'assignee']));
  if (froms.length !== 1) return null;
  return { from: froms[0], holderMay: moverMay(froms[0], to, ['holder']), assigneeMay: moverMay(froms[0], to, ['assignee']) };
}
const AGENT_MOVES = Object.fromEntries(TICKET_STATUSES.map((to) => [to, agentMoveFrom(to)])) as Record<TicketStatus, ReturnType<typeof agentMoveFrom>>;

/**
 * An agent's status move (the hot path of every agent: in_progress → pr_review → done) as one statement, because
 * there the number of statements is the cost (bench/README.md). The UPDATE matches only when every rule of the
 * general path below would let the move through: the ticket is in the agent's workspace and in the one status
 * `AGENT_MOVES` allows, the agent is its holder or assignee as the transition table requires, the workspace is
 * not archived and the version (when sent) is current. Only then, in the same statement: the activity entry, the
 * outbox event, the status_change notifications (notify.ts) and the live announcement with their recipients.
 * No row: `updateTicket` takes the general path, which finds the precise answer (404, 403, 409, a stale version).
 */
const AGENT_MOVE = statement<
  | 'ticketId' | 'workspaceId' | 'agentId' | 'from' | 'to' | 'holderMay' | 'assigneeMay' | 'version' | 'closedReason' | 'now'
  | 'activityId' | 'actorKind' | 'actorId' | 'actorName' | 'activityMetadata' | 'requestId' | 'eventId' | 'eventVersion' | 'eventData'
  | 'notificationId1' | 'notificationId2' | 'notificationId3' | 'notificationId4' | 'live'
>(
  'mc_move_ticket',
  `WITH m AS (
    UPDATE tickets t SET status = :to::text, status_changed_at = :now::timestamptz, updated_at = :now::timestamptz, lease_expires_at = NULL,
      closed_reason = CASE WHEN :to::text = 'closed' THEN :closedReason::text ELSE t.closed_reason END, version = t.version + 1
    WHERE t.id = :ticketId AND t.workspace_id = :workspaceId AND t.status = :from::text
      AND ((:holderMay::boolean AND t.claimed_by_agent_id = :agentId::text) OR (:assigneeMay::boolean AND t.assignee_agent_id = :agentId::text))
      AND (:version::int IS NULL OR t.version = :version::int)
      AND ${workspaceOpenSql('t.workspace_id')}
    RETURNING t.*),
  act AS (
    INSERT INTO activity (id, workspace_id, actor_kind, actor_id, actor_name, action, target_kind, target_id, summary, metadata, status, request_id, created_at)
    SELECT :activityId::text, m.workspace_id, :actorKind::text, :actorId::text, :actorName::text, 'ticket.moved', 'ticket', m.id,
      'moved #' || m.number || ' from ' || :from::text || ' to ' || :to::text, :activityMetadata::jsonb, m.status, :requestId::text, :now::timestamptz
    FROM m),
  ev AS (
    INSERT INTO events (id, workspace_id, type, version, actor_kind, actor_id, actor_name, data, occurred_at)
    SELECT :eventId::text, m.workspace_id, 'ticket.moved', :eventVersion::int, :actorKind::text, :actorId::text, :actorName::text,
      jsonb_build_object('ticket', ${ticketRefSql('m')}) || :eventData::jsonb, :now::timestamptz
    FROM m),
  ntf AS (${statusChangeNotificationsSql('m')})
  SELECT m.*, ${liveNotifySql(':live', `jsonb_build_object('recipients', (SELECT coalesce(jsonb_agg(n.recipient_kind || ':' || n.recipient_id), '[]'::jsonb) FROM ntf n))`)} AS published
  FROM m`,
);

/** The fast path of `updateTicket` for an agent's pure status move; null when it does not apply or matched nothing. */
async function tryAgentMove(ctx: Ctx, ticketId: string, input: UpdateTicketInput): Promise<TicketRow | null> {
  const me = ctx.principal;
  if (me.kind !== 'agent' || input.status === undefined) return null;
  const { status: to, version, closedReason, ...rest } = input;
  if (Object.values(rest).some((v) => v !== undefined)) return null;
  const move = AGENT_MOVES[to];
  if (!move) return null;
  const now = ctx.clock.now();
  const actor = actorOf(me);
  const closed = to === 'closed' ? (closedReason ?? null) : null;
  const event = ticketEventFields(ctx, 'ticket.moved', { from: move.from, to });
  const [row] = await AGENT_MOVE.run(ctx.db, {
    ticketId,
    workspaceId: me.workspaceId,
    agentId: me.agentId,
    from: move.from,
    to,
    holderMay: move.holderMay,
    assigneeMay: move.assigneeMay,
    version: version ?? null,
    closedReason: closed,
    now: now.toISOString(),
    activityId: newId(ID_PREFIX.activity, now.getTime()),
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: actor.name,
    activityMetadata: JSON.stringify({ from: move.from, to, closedReason: closed }),
    requestId: ctx.requestId,
    eventId: event.id,
    eventVersion: event.version,
    eventData: event.restJson,
    ...statusChangeNotificationIds(event.occurredAt),
    live: liveJson(ctx, { type: 'ticket.moved', workspaceId: me.workspaceId, ticketId, status: to, eventId: event.id }),
  });
  return row ? ticketFromSql(row) : null;
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
export async function updateTicket(ctx: Ctx, ticketId: string, input: UpdateTicketInput) {
  const moved = await tryAgentMove(ctx, ticketId, input);
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
        if (!epic) throw new DomainError('VALIDATION_ERROR', 'epicId: no such epic in this workspace', { issues: [{ field: 'epicId', in: 'body', message: 'no such epic' }] });
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
        throw await explainWithLease(tx, t, new DomainError('INVALID_TRANSITION', message, { from, to, allowed }));
      }
      if (ctx.principal.kind === 'agent' && from === 'todo' && to === 'in_progress' && !a.movers.includes('holder')) {
        throw await explainWithLease(tx, t, new DomainError('CONFLICT', `agents start work by claiming: PATCH /api/v1/tickets/${t.id}/claim`, { from, to }));
      }
      if (!moverMay(from, to, a.movers)) {
        const holderName = isHeld(t) && !a.movers.includes('holder') ? await agentName(tx, t.claimedByAgentId!) : null;
        throw await explainWithLease(
          tx,
          t,
          new DomainError('FORBIDDEN', refusedMoveReason(from, to, a.movers, { number: t.number, holderName }), {
            from,
            to,
            allowedMovers: TICKET_TRANSITIONS[from][to],
            yourMoves: movesAllowedFor(from, a.movers),
          }),
        );
      }
      Object.assign(changes, { status: to, statusChangedAt: now }, claimAfterMove(t, to, now));
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
        action: 'ticket.moved',
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
    if (moving) await emitEvent(tx, 'ticket.moved', t.workspaceId, { ticket: { id: row.id, number: row.number, title: row.title, status: row.status }, from, to: to! }, live);
    if (edited.length) await emitEvent(tx, 'ticket.updated', t.workspaceId, { ticket: { id: row.id, number: row.number, title: row.title, status: row.status }, fields: edited }, live);
    return ticketAnswer(tx, row, standingOf(a.access));
  });
}
