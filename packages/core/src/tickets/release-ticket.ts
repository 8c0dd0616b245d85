import { tickets } from '@mc/db';
import { eq, sql } from 'drizzle-orm';
import { actorOf, recordActivity } from '../activity/record-activity';
import { asSystem, inTransaction, type Ctx } from '../context';
import { conflict, forbidden, invalidTransition } from '../errors';
import { emitEvent, ticketEventFields, ticketRefSql } from '../events/emit-event';
import { ID_PREFIX, newId } from '../shared/ids';
import { liveJson, liveNotifySql } from '../shared/live';
import { idArrayLiteral, isoSql, statement } from '../shared/statement';
import { explainWithLease } from './lease';
import { assertCanWrite, requireTicketAccess, standingOf, ticketAnswer } from './ticket-access';
import { noticeBeforeColumns, noticeDrafts, noticeSql } from './ticket-notices';
import { allowedNextStatuses, claimAfter, claimEffectSql, edgeOf, fill, RELEASE_REFUSALS, type TicketStatus } from './tickets.rules';

/**
 * POST /tickets/{id}/release — the holder gives the ticket back (in_progress → todo), or an admin forces it
 * (audited as a force-release). Only a ticket in progress is released: from pr_review on, the holder stays on
 * record as who did the work (ratings credit it), so releasing it then is INVALID_TRANSITION, not a quiet change of
 * credit. Each refusal says its reason, and an agent whose lease expired is told so (lease.ts).
 */
export async function releaseTicket(ctx: Ctx, ticketId: string, input: { reason?: string } = {}) {
  return inTransaction(ctx, async (tx) => {
    const a = await requireTicketAccess(tx, ticketId, { lock: true });
    assertCanWrite(a);
    const t = a.ticket;
    // The two release edges of the lifecycle: by the holder, or forced by an admin; same from, to and claim effect.
    const release = edgeOf('release');
    const forced = edgeOf('force_release');
    const isHolder = a.movers.includes('holder');
    const from = t.status as TicketStatus;
    const vars = { number: t.number, from, to: release.to };
    // A ticket in `to` (To-do) that still names a holder is released in place; any other status is not in progress.
    if (from !== release.from && from !== release.to) {
      throw invalidTransition(fill(RELEASE_REFUSALS.notInProgress, vars), { from, to: release.to, allowed: allowedNextStatuses(from) });
    }
    if (!t.claimedByAgentId) {
      throw await explainWithLease(tx, t, conflict(fill(RELEASE_REFUSALS.notClaimed, vars), { reason: 'not_claimed' }));
    }
    const edge = isHolder ? release : a.movers.includes('admin') ? forced : null;
    if (!edge) throw await explainWithLease(tx, t, forbidden(fill(release.refused!, vars)));
    const now = tx.clock.now();
    const [row] = await tx.db
      .update(tickets)
      .set({
        ...claimAfter(edge.claim, t, now),
        ...(from === edge.from ? { status: edge.to, statusChangedAt: now } : {}),
        updatedAt: now,
        version: sql`${tickets.version} + 1`,
      })
      .where(eq(tickets.id, ticketId))
      .returning();
    await recordActivity(tx, {
      workspaceId: row.workspaceId,
      action: edge.activity,
      target: { kind: 'ticket', id: row.id },
      summary: isHolder ? `released #${row.number}` : `force-released #${row.number} from its holder`,
      metadata: { previousHolder: a.ticket.claimedByAgentId, reason: input.reason ?? null, from: a.ticket.status, to: row.status },
      status: row.status,
    });
    await emitEvent(
      tx,
      edge.event,
      row.workspaceId,
      { ticket: { id: row.id, number: row.number, title: row.title, status: row.status }, previousHolder: a.ticket.claimedByAgentId, reason: edge === release ? 'released' : 'force_released' },
      { ticketId: row.id, status: row.status },
      noticeDrafts(edge.notify, t, row, { actor: actorOf(tx.principal).name, from, to: row.status }),
    );
    return ticketAnswer(tx, row, standingOf(a.access));
  });
}

/** How many expired leases one sweep statement releases (`sweepExpiredLeases` goes on while batches come back full). */
export const LEASE_SWEEP_BATCH = 250;

/** The lease sweeper's edge of the lifecycle (tickets.rules.ts): in_progress → todo, claim cleared, its notice. */
const LEASE_EXPIRY = edgeOf('lease_expiry');
/** The columns of the row before the edge the statement carries along: the activity and event name them, and so may the notice. */
const BEFORE = [...new Set([tickets.claimedByAgentId.name, tickets.leaseExpiresAt.name, ...noticeBeforeColumns(LEASE_EXPIRY.notify)])];
const before = (m: string) => (column: string) => `${m}.before_${column}`;
/** When the lease ran out, as the general path said it (`toISOString()`). */
const leaseExpiredAtSql = (m: string) => isoSql(before(m)(tickets.leaseExpiresAt.name));
const SWEEP_NOTICE = noticeSql(LEASE_EXPIRY.notify, 'm', {
  before: before('m'),
  vars: { leaseExpiredAt: leaseExpiredAtSql },
  ids: (slot) => `m.notification_id${slot}`,
  eventId: 'm.event_id',
});
if (!SWEEP_NOTICE) throw new Error('the lease-expiry notice has no SQL form');
const NOTICE_SLOTS = Array.from({ length: SWEEP_NOTICE.slots }, (_, i) => i + 1);

type SweepParam =
  | 'now' | 'batch' | 'activityIds' | 'eventIds' | 'actorKind' | 'actorId' | 'actorName' | 'requestId' | 'eventVersion' | 'eventData' | 'from' | 'to' | 'live'
  | `notificationIds${number}`;

/**
 * The lease sweeper as one statement per batch: `due` picks up to :batch tickets whose lease ran out (the partial
 * index `tickets_lease_idx` serves it: the status and IS NOT NULL are literals) and locks them with SKIP LOCKED, so
 * sweepers in several processes never take the same ticket and a ticket being renewed right now (its row locked by
 * the holder's write) is left for the next pass, which sees the renewed lease; `moved` applies the lifecycle edge
 * (status, claim effect `claimEffectSql`, version); then, for each row, the activity entry, the outbox event, the
 * edge's notice (`noticeSql` with the row before the edge: the previous holder, when its lease ran out) and the live
 * announcement with its recipients. Ids come in as arrays made by `newId` (one per row, numbered by `rn`), so they
 * have the same format as everywhere else. Returns one row per ticket released.
 */
const SWEEP = statement<SweepParam>(
  'mc_sweep_expired_leases',
  `WITH due AS (
    SELECT t.id, ${BEFORE.map((c) => `t.${c} AS before_${c}`).join(', ')}
    FROM tickets t
    WHERE t.status = '${LEASE_EXPIRY.from}' AND t.lease_expires_at IS NOT NULL AND t.lease_expires_at < :now::timestamptz
    ORDER BY t.lease_expires_at
    LIMIT :batch::int
    FOR UPDATE OF t SKIP LOCKED),
  moved AS (
    UPDATE tickets t SET status = '${LEASE_EXPIRY.to}', ${claimEffectSql(LEASE_EXPIRY.claim, 't').join(', ')},
      status_changed_at = :now::timestamptz, updated_at = :now::timestamptz, version = t.version + 1
    FROM due d
    WHERE t.id = d.id AND t.status = '${LEASE_EXPIRY.from}'
    RETURNING t.*, ${BEFORE.map((c) => `d.before_${c}`).join(', ')}),
  m AS (
    SELECT r.*, x.activity_id, x.event_id${NOTICE_SLOTS.map((i) => `, x.notification_id${i}`).join('')}
    FROM (SELECT moved.*, row_number() OVER (ORDER BY moved.id) AS rn FROM moved) r
    JOIN unnest(:activityIds::text[], :eventIds::text[]${NOTICE_SLOTS.map((i) => `, :notificationIds${i}::text[]`).join('')})
      WITH ORDINALITY AS x(activity_id, event_id${NOTICE_SLOTS.map((i) => `, notification_id${i}`).join('')}, rn) ON x.rn = r.rn),
  act AS (
    INSERT INTO activity (id, workspace_id, actor_kind, actor_id, actor_name, action, target_kind, target_id, summary, metadata, status, request_id, created_at)
    SELECT m.activity_id, m.workspace_id, :actorKind::text, :actorId::text, :actorName::text, '${LEASE_EXPIRY.activity}', 'ticket', m.id,
      'lease on #' || m.number || ' expired; back to To-do',
      jsonb_build_object('previousHolder', m.before_claimed_by_agent_id, 'leaseExpiresAt', ${leaseExpiredAtSql('m')}),
      m.status, :requestId::text, :now::timestamptz
    FROM m),
  ev AS (
    INSERT INTO events (id, workspace_id, type, version, actor_kind, actor_id, actor_name, data, occurred_at)
    SELECT m.event_id, m.workspace_id, '${LEASE_EXPIRY.event}', :eventVersion::int, :actorKind::text, :actorId::text, :actorName::text,
      jsonb_build_object('ticket', ${ticketRefSql('m')}) || :eventData::jsonb
        || jsonb_build_object('previousHolder', m.before_claimed_by_agent_id, 'leaseExpiredAt', ${leaseExpiredAtSql('m')}),
      :now::timestamptz
    FROM m)${SWEEP_NOTICE.slots ? `,
  ntf AS (${SWEEP_NOTICE.sql}),
  rcp AS (
    SELECT n.event_id, jsonb_agg(n.recipient_kind || ':' || n.recipient_id ORDER BY n.recipient_kind, n.recipient_id) AS recipients
    FROM ntf n GROUP BY n.event_id)` : ''}
  SELECT m.id, ${liveNotifySql(
    ':live',
    `jsonb_build_object('workspaceId', m.workspace_id, 'ticketId', m.id, 'eventId', m.event_id, 'recipients', ${SWEEP_NOTICE.slots ? `coalesce(r.recipients, '[]'::jsonb)` : `'[]'::jsonb`})`,
  )}::text AS published
  FROM m${SWEEP_NOTICE.slots ? ' LEFT JOIN rcp r ON r.event_id = m.event_id' : ''}`,
);

/**
 * Put tickets whose lease ran out back in To-do (the holder crashed or went silent), with everything the lifecycle's
 * lease-expiry edge writes: one statement for up to `batch` tickets (SWEEP). Safe to run in several processes at
 * once (SKIP LOCKED). Returns how many it released.
 */
export async function releaseExpiredLeases(ctx: Ctx, batch = LEASE_SWEEP_BATCH): Promise<number> {
  const sys = asSystem(ctx, 'lease-sweeper');
  const now = sys.clock.now();
  const at = now.getTime();
  const actor = actorOf(sys.principal);
  const ids = (prefix: string) => idArrayLiteral(Array.from({ length: batch }, () => newId(prefix, at)));
  // The catalog checks the event's shape here, as for every event: the per-row fields (previousHolder, the holder's
  // id or null; leaseExpiredAt, an ISO date) are given as the statement writes them.
  const event = ticketEventFields(sys, LEASE_EXPIRY.event, { previousHolder: null, reason: 'lease_expired', leaseExpiredAt: now.toISOString() });
  const rows = await SWEEP.run(sys.db, {
    now: now.toISOString(),
    batch,
    activityIds: ids(ID_PREFIX.activity),
    eventIds: ids('evt'),
    ...Object.fromEntries(NOTICE_SLOTS.map((i) => [`notificationIds${i}`, ids('ntf')])),
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: actor.name,
    requestId: sys.requestId,
    eventVersion: event.version,
    eventData: JSON.stringify({ reason: 'lease_expired' }),
    from: LEASE_EXPIRY.from,
    to: LEASE_EXPIRY.to,
    live: liveJson(sys, { type: LEASE_EXPIRY.event, status: LEASE_EXPIRY.to }),
  } as Record<SweepParam, unknown>);
  return rows.length;
}

/** The first batch of a pass: most passes find nothing or a few leases, and a batch's ids are made before it runs. */
const FIRST_SWEEP_BATCH = 50;

/**
 * The sweeper's pass: batches of `releaseExpiredLeases` until one comes back short, so that a backlog (a fleet that
 * crashed at once) is worked off at once rather than one batch per LEASE_SWEEP_INTERVAL_MS. The first batch is small
 * (an idle pass makes 150 ids, not 1,500); after a full one they are `batch`. Returns how many it released.
 */
export async function sweepExpiredLeases(ctx: Ctx, batch = LEASE_SWEEP_BATCH): Promise<number> {
  let total = 0;
  for (let size = Math.min(batch, FIRST_SWEEP_BATCH); ; size = batch) {
    const n = await releaseExpiredLeases(ctx, size);
    total += n;
    if (n === 0 || n < size) return total;
  }
}
