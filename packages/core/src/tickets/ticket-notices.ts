// Who hears of a lifecycle edge, generated from the edge's `notify` (tickets.rules.ts): as notification drafts for
// the general paths (handed to emitEvent with the edge's event) and as SQL for the one-statement fast paths (an
// INSERT … SELECT over the moved row, notify.ts `notificationsFromRowSql`). One declaration, two generated forms.
import { tickets } from '@mc/db';
import { notificationIdParams, notificationsFromRowSql, type NotificationDraft } from '../notifications/notify';
import type { TicketRow } from './ticket-dto';
import { fill, LEASE_MINUTES, PARTY_FIELDS, type Notice } from './tickets.rules';

type Slot = (typeof PARTY_FIELDS)[keyof typeof PARTY_FIELDS][number];
const slotsOf = (n: Notice): Slot[] => n.to.flatMap((p) => PARTY_FIELDS[p]);

export interface NoticeVars {
  actor: string;
  from?: string;
  to?: string;
  leaseExpiredAt?: string;
}

/** The notice's drafts for a ticket that went from `before` to `after` (the recipients' rules then apply: notify.ts). */
export function noticeDrafts(n: Notice | null, before: TicketRow, after: TicketRow, vars: NoticeVars): NotificationDraft[] {
  if (!n) return [];
  const content = fill(n.says, { ...vars, number: after.number, title: after.title, leaseMinutes: LEASE_MINUTES });
  const out: NotificationDraft[] = [];
  for (const slot of slotsOf(n)) {
    const row = slot.before ? before : after;
    const kind = slot.kind === 'createdByKind' ? row.createdByKind : slot.kind;
    const id = row[slot.id];
    if (id && (kind === 'user' || kind === 'agent')) out.push({ recipient: { kind, id }, type: n.type, content, ticketId: after.id });
  }
  return out;
}

/** What the SQL form can fill in: the statement's parameters and the moved row `m`. */
const SQL_VARS: Record<string, (m: string) => string> = {
  actor: () => ':actorName::text',
  number: (m) => `${m}.number::text`,
  title: (m) => `${m}.title`,
  from: () => ':from::text',
  to: () => ':to::text',
  leaseMinutes: () => `'${LEASE_MINUTES}'`,
};

const column = (field: Slot['id'] | 'createdByKind') => tickets[field].name;

/** How a statement hands `noticeSql` what the row after the edge cannot tell. */
export interface NoticeSqlOptions {
  /**
   * The tickets row before the edge, column by column, as SQL over the moved row (e.g. a `before_<column>` column
   * the statement carries along): the parties read before the edge (`previous_holder`) need it.
   */
  before?: (column: string) => string;
  /** The placeholders only this statement can fill in (the lease sweeper's `leaseExpiredAt`), as SQL over the moved row. */
  vars?: Record<string, (m: string) => string>;
  /** For a statement of many rows: each row's notification ids and event id, as SQL over it (notify.ts). */
  ids?: (slot: number) => string;
  eventId?: string;
}

/** The columns of the row before the edge that the notice's SQL form reads (`NoticeSqlOptions.before`). */
export function noticeBeforeColumns(n: Notice | null): string[] {
  if (!n) return [];
  return [...new Set(slotsOf(n).flatMap((s) => (s.before ? [column(s.id), ...(s.kind === 'createdByKind' ? [column('createdByKind')] : [])] : [])))];
}

/**
 * The notice as an INSERT … SELECT over the moved row `m` (the row after the edge), with the number of notification
 * ids it needs; null when the notice names what the statement cannot tell (a previous holder without `before`, a
 * lease's expiry time without `vars.leaseExpiredAt`): such an edge has no fast path.
 */
export function noticeSql(n: Notice | null, m: string, o: NoticeSqlOptions = {}): { sql: string; slots: number } | null {
  if (!n) return { sql: '', slots: 0 };
  const slots = slotsOf(n);
  if (slots.some((s) => s.before) && !o.before) return null;
  const vars: Record<string, (m: string) => string> = { ...SQL_VARS, ...o.vars };
  const parts = n.says.split(/(\{\w+\})/).filter((p) => p !== '');
  if (parts.some((p) => /^\{\w+\}$/.test(p) && !vars[p.slice(1, -1)])) return null;
  const content = parts.map((p) => (/^\{\w+\}$/.test(p) ? vars[p.slice(1, -1)](m) : `'${p.replace(/'/g, "''")}'`)).join(' || ');
  const at = (s: Slot, col: string) => (s.before ? o.before!(col) : `${m}.${col}`);
  const sql = notificationsFromRowSql({
    row: m,
    slots: slots.map((s) => ({ kind: s.kind === 'createdByKind' ? at(s, column('createdByKind')) : `'${s.kind}'`, id: at(s, column(s.id)) })),
    type: n.type,
    content,
    ticketId: `${m}.id`,
    ids: o.ids,
    eventId: o.eventId,
  });
  return { sql, slots: slots.length };
}

export const noticeIdParams = notificationIdParams;
