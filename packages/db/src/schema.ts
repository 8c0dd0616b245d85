// The one schema of Mission Control. Every table that belongs to a workspace carries `workspace_id`, and every
// lookup by id in packages/core filters by it. Migrations are generated from this file (`pnpm db:generate`)
// and committed under ./drizzle; the same SQL runs on PGlite and on a PostgreSQL server.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();
/** PostgreSQL full-text vector; filled by a generated column and searched through a GIN index. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
/** Money: USD with 6 decimals (a million cheap tokens can cost fractions of a cent). */
const usd = (name: string) => numeric(name, { precision: 18, scale: 6 });

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** scrypt hash in PHC-like form; null until the user sets a password through a one-time link. */
    passwordHash: text('password_hash'),
    isInstanceAdmin: boolean('is_instance_admin').notNull().default(false),
    disabledAt: ts('disabled_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    // GET /users (and the members list by name or e-mail) walk these in order.
    index('users_sort_email_idx').on(t.email, t.id),
    index('users_name_idx').on(t.name, t.id),
    index('users_created_idx').on(t.createdAt, t.id),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

/** Personal API keys of humans (agent keys arrive with the agents capability). Only the SHA-256 of a key is kept. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The first characters of the key, safe to show, so a human can tell keys apart. */
    keyPrefix: text('key_prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    createdAt: createdAt(),
    lastUsedAt: ts('last_used_at'),
    expiresAt: ts('expires_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_key_hash_key').on(t.keyHash), index('api_keys_user_idx').on(t.userId, t.createdAt)],
);

/** One-time tokens, e.g. the set-password link of a user created without a password. */
export const userTokens = pgTable(
  'user_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('user_tokens_token_hash_key').on(t.tokenHash)],
);

export const workspaces = pgTable(
  'workspaces',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    mission: text('mission').notNull().default(''),
    emoji: text('emoji').notNull().default('🚀'),
    color: text('color').notNull().default('#6366f1'),
    monthlyTokenLimit: bigint('monthly_token_limit', { mode: 'number' }),
    monthlyCostLimitUsd: numeric('monthly_cost_limit_usd', { precision: 14, scale: 4 }),
    hardStop: boolean('hard_stop').notNull().default(false),
    /** `owner/repo` that a bare `PR#123` in a comment refers to. */
    defaultRepository: text('default_repository'),
    /** Last ticket number handed out in this workspace. */
    ticketSeq: integer('ticket_seq').notNull().default(0),
    archivedAt: ts('archived_at'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [uniqueIndex('workspaces_slug_key').on(t.slug), index('workspaces_created_idx').on(t.createdAt, t.id)],
);

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    index('memberships_user_idx').on(t.userId, t.workspaceId),
    // GET /workspaces/{id}/members by join date or role, as walks.
    index('memberships_workspace_created_idx').on(t.workspaceId, t.createdAt, t.userId),
    index('memberships_workspace_role_idx').on(t.workspaceId, t.role, t.userId),
  ],
);

/**
 * Invitations to a workspace, addressed to an e-mail address (issue 11, ADR 0013). Whether a user with that address
 * exists is never stored here: the invitee is whoever holds the address when they look (`GET /me/invitations`), so
 * an address without a user simply waits until an instance admin creates one. At most one pending invitation per
 * workspace and address: inviting again refreshes it. `expires_at` is checked when read (an expired invitation stays
 * `pending` in the table, and reads as `expired`).
 */
export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Lower-cased, as users.email. */
    email: text('email').notNull(),
    role: text('role').notNull(),
    /** pending | accepted | declined | revoked */
    status: text('status').notNull(),
    invitedById: text('invited_by_id').references(() => users.id, { onDelete: 'set null' }),
    invitedByName: text('invited_by_name').notNull(),
    expiresAt: ts('expires_at').notNull(),
    answeredAt: ts('answered_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invitations_pending_key').on(t.workspaceId, t.email).where(sql`${t.status} = 'pending'`),
    index('invitations_email_idx').on(t.email, t.createdAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** Instance-wide settings, one row per key (e.g. `default_workspace_id`). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Append-only log of who did what; written in the same transaction as the change it records. */
export const activity = pgTable(
  'activity',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id'),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    targetKind: text('target_kind').notNull(),
    targetId: text('target_id'),
    summary: text('summary').notNull().default(''),
    metadata: jsonb('metadata').notNull().default(sql`'{}'::jsonb`),
    /** Outcome of the action where it has one: a ticket's new status, an execution's status. Filterable. */
    status: text('status'),
    requestId: text('request_id'),
    createdAt: createdAt(),
    /** Words of the action, actor and summary, for `?q=` (GIN index; 'simple' = no language stemming). */
    search: tsvector('search').generatedAlwaysAs(
      sql`to_tsvector('simple'::regconfig, replace(action, '.', ' ') || ' ' || actor_name || ' ' || summary)`,
    ),
    /** The action's family, the part before the first dot (`ticket` of `ticket.moved`), for `?action=ticket.*`. */
    actionFamily: text('action_family').generatedAlwaysAs(sql`split_part(action, '.', 1)`),
    /** 7-day bucket of `created_at` (UTC days since 1970-01-01, divided by 7): the time windows of a word search. */
    createdWeek: integer('created_week').generatedAlwaysAs(sql`(((created_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01') / 7)`),
  },
  (t) => [
    index('activity_created_idx').on(t.createdAt, t.id),
    index('activity_workspace_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('activity_actor_created_idx').on(t.actorId, t.createdAt),
    // Action first, then workspace: one index serves ?action= in one workspace (and per membership) as an ordered
    // walk, and a rare action or `family.*` across all workspaces as a short range + sort. text_pattern_ops makes
    // the family prefix (LIKE 'ticket.%') a range scan whatever the database collation.
    index('activity_action_workspace_created_idx').on(t.action.op('text_pattern_ops'), t.workspaceId, t.createdAt, t.id),
    // `?action=webhook.*` across workspaces as a walk in time order: with the action index a rare family was a range
    // + sort of all its entries (800 at 1M rows: 6 ms on PostgreSQL, 20 ms embedded; bench/README.md).
    index('activity_family_created_idx').on(t.actionFamily, t.createdAt, t.id),
    // Same shape for ?status=; partial, because most entries have no outcome (smaller, cheaper on insert).
    index('activity_status_workspace_created_idx')
      .on(t.status, t.workspaceId, t.createdAt, t.id)
      .where(sql`${t.status} IS NOT NULL`),
    index('activity_target_idx').on(t.targetId),
    // Workspace, 7-day bucket and words in one GIN index (btree_gin): `?q=` in a workspace, a member's few
    // workspaces or the last weeks is one index scan that intersects their postings (docs/adr/0006-word-search.md).
    // A small pending list: every search reads the whole list (4 MB by default ≈ 500 pages, +4 ms per ?q= at
    // 1M rows); 256 kB keeps that bounded at no measurable insert cost (bench/README.md, bench:activity).
    index('activity_search_idx').using('gin', t.workspaceId, t.createdWeek, t.search).with({ gin_pending_list_limit: 256 }),
  ],
);

/** Fixed-window request counters shared by every process that uses the database. */
export const rateLimits = pgTable(
  'rate_limits',
  {
    bucket: text('bucket').notNull(),
    windowStart: ts('window_start').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.windowStart] }), index('rate_limits_window_idx').on(t.windowStart)],
);

/** Responses of creates sent with an `Idempotency-Key`, replayed on a retry with the same key. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    operation: text('operation').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status'),
    response: jsonb('response'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.principal, t.key] }), index('idempotency_created_idx').on(t.createdAt)],
);

/**
 * Agents register themselves (pending), are approved or rejected by a workspace admin, then work with API keys.
 * A deleted agent keeps its row (history stays readable) but leaves every list and loses its keys.
 */
export const agents = pgTable(
  'agents',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    endpoint: text('endpoint'),
    capabilities: jsonb('capabilities').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    description: text('description').notNull().default(''),
    /** pending | active | rejected | deactivated | deleted */
    status: text('status').notNull(),
    registrationSecretHash: text('registration_secret_hash').notNull(),
    registrationIp: text('registration_ip'),
    rejectionReason: text('rejection_reason'),
    decidedBy: text('decided_by'),
    decidedAt: ts('decided_at'),
    /** When the first API key was handed over (by the registration poll or the endpoint callback). */
    keyIssuedAt: ts('key_issued_at'),
    keyDelivery: text('key_delivery'),
    lastSeenAt: ts('last_seen_at'),
    deletedAt: ts('deleted_at'),
    /** The OpenClaw gateway hosting this agent (issue 15), in the same workspace; set with gateway_agent_id. */
    gatewayId: text('gateway_id').references((): AnyPgColumn => gateways.id, { onDelete: 'set null' }),
    /** The agent's id on that gateway (`agents.list`). */
    gatewayAgentId: text('gateway_agent_id'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // One Mission Control agent per hosted agent of a gateway (a deleted agent frees its link); also the lookup of a
    // gateway's linked agents (its answer's `agents[].agentId`).
    uniqueIndex('agents_gateway_agent_key').on(t.gatewayId, t.gatewayAgentId).where(sql`${t.gatewayId} IS NOT NULL AND ${t.status} <> 'deleted'`),
    // A name is unique among the workspace's agents, ignoring case; deleted and rejected agents free their name.
    uniqueIndex('agents_workspace_name_key')
      .on(t.workspaceId, sql`lower(${t.name})`)
      .where(sql`${t.deletedAt} IS NULL AND ${t.status} <> 'rejected'`),
    index('agents_workspace_status_idx').on(t.workspaceId, t.status, t.createdAt, t.id),
    // GET /agents walks one of these per sort (every list leaves deleted agents out), and stops after its page.
    index('agents_workspace_created_idx').on(t.workspaceId, t.createdAt, t.id).where(sql`${t.status} <> 'deleted'`),
    index('agents_workspace_updated_idx').on(t.workspaceId, t.updatedAt, t.id).where(sql`${t.status} <> 'deleted'`),
    index('agents_workspace_sort_name_idx').on(t.workspaceId, t.name, t.id).where(sql`${t.status} <> 'deleted'`),
    index('agents_workspace_status_id_idx').on(t.workspaceId, t.status, t.id).where(sql`${t.status} <> 'deleted'`),
    // "Does any active agent of this workspace have an endpoint?" — asked by every claim (an event without receivers
    // is written already dispatched, packages/core/src/webhooks/dispatch-events.ts): one probe, however many agents.
    index('agents_endpoint_idx').on(t.workspaceId).where(sql`${t.status} = 'active' AND ${t.endpoint} IS NOT NULL`),
  ],
);

/** Agent API keys (`mc_agt_…`), hashed. During a rotation grace the previous key has `expires_at` set. */
export const agentKeys = pgTable(
  'agent_keys',
  {
    id: text('id').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    workspaceId: text('workspace_id').notNull(),
    keyPrefix: text('key_prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    createdAt: createdAt(),
    lastUsedAt: ts('last_used_at'),
    expiresAt: ts('expires_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('agent_keys_key_hash_key').on(t.keyHash), index('agent_keys_agent_idx').on(t.agentId, t.createdAt)],
);

/** Epics group tickets of a workspace. */
export const epics = pgTable(
  'epics',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('epics_workspace_idx').on(t.workspaceId, t.createdAt)],
);

/**
 * Work items. A claim is a lease held by one agent (`claimed_by_agent_id` until `lease_expires_at`); the partial
 * index `tickets_available_idx` serves the agents' poll ("open To-do tickets, best first") directly.
 */
export const tickets = pgTable(
  'tickets',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Per-workspace number, for humans: `#42`. */
    number: integer('number').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    status: text('status').notNull().default('todo'),
    /** 0 urgent, 1 high, 2 medium, 3 low: sorts best-first ascending. */
    priority: integer('priority').notNull().default(2),
    labels: jsonb('labels').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    epicId: text('epic_id').references(() => epics.id, { onDelete: 'set null' }),
    requiredCapabilities: jsonb('required_capabilities').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    wikiRefs: jsonb('wiki_refs').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    assigneeAgentId: text('assignee_agent_id'),
    assigneeUserId: text('assignee_user_id'),
    claimedByAgentId: text('claimed_by_agent_id'),
    claimedAt: ts('claimed_at'),
    leaseExpiresAt: ts('lease_expires_at'),
    closedReason: text('closed_reason'),
    createdByKind: text('created_by_kind').notNull(),
    createdById: text('created_by_id'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    statusChangedAt: ts('status_changed_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('tickets_workspace_number_key').on(t.workspaceId, t.number),
    index('tickets_available_idx')
      .on(t.workspaceId, t.priority, t.createdAt, t.id)
      .where(sql`${t.status} = 'todo' AND ${t.claimedByAgentId} IS NULL`),
    index('tickets_workspace_status_idx').on(t.workspaceId, t.status, t.updatedAt),
    // The ticket list (GET /tickets): one index per single-field sort it offers, each ending with the id the cursor
    // and the ORDER BY use as tiebreak, so that a page is a walk of the index in either direction that stops after
    // limit + 1 rows, also with a status filter (docs/adr/0016-list-totals.md, bench/README.md). `number` is served by
    // tickets_workspace_number_key (unique in the workspace, so the id tiebreak costs nothing).
    index('tickets_workspace_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('tickets_workspace_updated_idx').on(t.workspaceId, t.updatedAt, t.id),
    index('tickets_workspace_priority_idx').on(t.workspaceId, t.priority, t.id),
    index('tickets_workspace_status_id_idx').on(t.workspaceId, t.status, t.id),
    // `?assigneeId=` (an agent or a user): the assignee's tickets, newest first.
    index('tickets_assignee_agent_idx').on(t.assigneeAgentId, t.createdAt, t.id).where(sql`${t.assigneeAgentId} IS NOT NULL`),
    index('tickets_assignee_user_idx').on(t.assigneeUserId, t.createdAt, t.id).where(sql`${t.assigneeUserId} IS NOT NULL`),
    index('tickets_claimed_by_idx').on(t.claimedByAgentId).where(sql`${t.claimedByAgentId} IS NOT NULL`),
    index('tickets_lease_idx').on(t.leaseExpiresAt).where(sql`${t.status} = 'in_progress' AND ${t.leaseExpiresAt} IS NOT NULL`),
    index('tickets_epic_idx').on(t.epicId),
  ],
);

export const comments = pgTable(
  'comments',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    authorKind: text('author_kind').notNull(),
    authorId: text('author_id'),
    authorName: text('author_name').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('comments_ticket_idx').on(t.ticketId, t.createdAt, t.id)],
);

/** Who a comment mentions (`@name` or `@all`), recorded for notifications. */
export const mentions = pgTable(
  'mentions',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    ticketId: text('ticket_id').notNull(),
    commentId: text('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    /** agent | user | all */
    targetKind: text('target_kind').notNull(),
    targetId: text('target_id'),
    createdAt: createdAt(),
  },
  (t) => [index('mentions_comment_idx').on(t.commentId), index('mentions_target_idx').on(t.targetKind, t.targetId, t.createdAt)],
);

/** Pull/merge requests referenced by a ticket or its comments; `url` is canonical, for the reverse lookup. */
export const prLinks = pgTable(
  'pr_links',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    commentId: text('comment_id'),
    provider: text('provider').notNull(),
    repo: text('repo').notNull(),
    number: integer('number').notNull(),
    url: text('url').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('pr_links_ticket_url_key').on(t.ticketId, t.url), index('pr_links_url_idx').on(t.url)],
);

/**
 * The transactional outbox: every domain event, written in the transaction of the change. Webhook delivery and
 * other asynchronous consumers read it; `id` is time-ordered.
 */
export const events = pgTable(
  'events',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    type: text('type').notNull(),
    version: integer('version').notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name').notNull(),
    data: jsonb('data').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    /** Set once asynchronous consumers (webhooks) have taken the event. */
    dispatchedAt: ts('dispatched_at'),
  },
  (t) => [
    index('events_workspace_idx').on(t.workspaceId, t.occurredAt),
    index('events_undispatched_idx').on(t.id).where(sql`${t.dispatchedAt} IS NULL`),
  ],
);

/** What a person or an agent should look at: mentions, assignments, status changes of their tickets, … */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    recipientKind: text('recipient_kind').notNull(),
    recipientId: text('recipient_id').notNull(),
    type: text('type').notNull(),
    content: text('content').notNull(),
    ticketId: text('ticket_id'),
    commentId: text('comment_id'),
    agentId: text('agent_id'),
    /** The invitation an `invitation` notification is about (marked read when the invitation is answered). */
    invitationId: text('invitation_id'),
    eventId: text('event_id').notNull(),
    readAt: ts('read_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('notifications_recipient_idx').on(t.recipientKind, t.recipientId, t.createdAt, t.id),
    index('notifications_unread_idx').on(t.recipientKind, t.recipientId, t.createdAt, t.id).where(sql`${t.readAt} IS NULL`),
    // `?workspaceId=` of GET /notifications: the recipient's notifications of one workspace in list order.
    index('notifications_recipient_workspace_idx').on(t.recipientKind, t.recipientId, t.workspaceId, t.createdAt, t.id),
    index('notifications_invitation_idx').on(t.invitationId).where(sql`${t.invitationId} IS NOT NULL`),
  ],
);

/**
 * Webhook endpoints registered by workspace admins. The signing secret (`whsec_…`) is kept as is, because every
 * delivery is signed with it; during a rotation grace the previous secret signs too (until its expiry).
 * `consecutive_failures` and `failing_since` feed the disable policy (packages/core/src/webhooks/webhooks.rules.ts).
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** Event types to deliver; empty = all. */
    events: jsonb('events').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: ts('previous_secret_expires_at'),
    /** enabled | disabled */
    status: text('status').notNull().default('enabled'),
    disabledAt: ts('disabled_at'),
    disabledReason: text('disabled_reason'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    failingSince: ts('failing_since'),
    lastSuccessAt: ts('last_success_at'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('webhook_endpoints_workspace_idx').on(t.workspaceId, t.createdAt, t.id),
    index('webhook_endpoints_workspace_url_idx').on(t.workspaceId, t.url, t.id),
    index('webhook_endpoints_workspace_status_idx').on(t.workspaceId, t.status, t.id),
  ],
);

/**
 * One message to one receiver: an outbox event to a matching endpoint, or a notification to its agent's own
 * endpoint (exactly one of `webhook_id` / `agent_id`). The id is the `webhook-id` header of every attempt. A
 * worker claims due rows (`status = 'pending' AND next_attempt_at <= now`, served by the partial index
 * `webhook_deliveries_due_idx`) with SKIP LOCKED and holds them with a lease (`locked_until`), so a delivery
 * whose worker died is picked up again once the lease runs out.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    webhookId: text('webhook_id').references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    agentId: text('agent_id').references(() => agents.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    notificationId: text('notification_id'),
    /**
     * For a `dispatch` delivery (a ticket handed to an agent's endpoint, `POST /tickets/{id}/dispatch`): the
     * execution it starts. When the delivery fails for good, that execution is marked failed with the reason.
     */
    executionId: text('execution_id'),
    payload: jsonb('payload').notNull(),
    /** pending | succeeded | failed */
    status: text('status').notNull().default('pending'),
    attemptCount: integer('attempt_count').notNull().default(0),
    /** Attempts allowed before the delivery fails for good (a manual redelivery allows one more). */
    maxAttempts: integer('max_attempts').notNull(),
    nextAttemptAt: ts('next_attempt_at'),
    lockedUntil: ts('locked_until'),
    lockedBy: text('locked_by'),
    lastAttemptAt: ts('last_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    completedAt: ts('completed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_workspace_idx').on(t.workspaceId, t.createdAt, t.id),
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.createdAt, t.id),
    // GET /webhook-deliveries: the other sorts and the status filter of a workspace, as walks.
    index('webhook_deliveries_workspace_next_idx').on(t.workspaceId, t.nextAttemptAt, t.id),
    index('webhook_deliveries_workspace_last_idx').on(t.workspaceId, t.lastAttemptAt, t.id),
    index('webhook_deliveries_workspace_status_idx').on(t.workspaceId, t.status, t.createdAt, t.id),
    index('webhook_deliveries_agent_idx').on(t.agentId, t.createdAt).where(sql`${t.agentId} IS NOT NULL`),
    // Retention: finished deliveries older than MC_WEBHOOK_RETENTION_DAYS are pruned, oldest first.
    index('webhook_deliveries_completed_idx').on(t.completedAt).where(sql`${t.completedAt} IS NOT NULL`),
    // A dispatcher that runs twice (it cannot, but belt and braces) never makes a second delivery.
    uniqueIndex('webhook_deliveries_webhook_event_key').on(t.webhookId, t.eventId).where(sql`${t.webhookId} IS NOT NULL`),
    uniqueIndex('webhook_deliveries_notification_key').on(t.notificationId).where(sql`${t.notificationId} IS NOT NULL`),
    // One dispatch delivery per execution.
    uniqueIndex('webhook_deliveries_execution_key').on(t.executionId).where(sql`${t.executionId} IS NOT NULL`),
  ],
);

/** Every HTTP attempt of a delivery: what was sent where, and what came back (or why nothing did). */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    workspaceId: text('workspace_id').notNull(),
    attempt: integer('attempt').notNull(),
    url: text('url').notNull(),
    ok: boolean('ok').notNull(),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    responseExcerpt: text('response_excerpt').notNull().default(''),
    error: text('error'),
    /** manual when an admin asked for a redelivery. */
    trigger: text('trigger').notNull().default('scheduled'),
    startedAt: ts('started_at').notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attempt)],
);

/**
 * Versioned model prices (USD per million tokens). A price is never edited: a change is a new row with its own
 * `effective_from`. An execution stores the price row it was costed with, so later price changes never recompute
 * a past cost.
 */
export const modelPrices = pgTable(
  'model_prices',
  {
    id: text('id').primaryKey(),
    /** Lower-case model name; also matches dated variants (`gpt-4o` prices `gpt-4o-2024-08-06`). */
    model: text('model').notNull(),
    inputUsdPerMTok: usd('input_usd_per_mtok').notNull(),
    outputUsdPerMTok: usd('output_usd_per_mtok').notNull(),
    effectiveFrom: ts('effective_from').notNull(),
    note: text('note').notNull().default(''),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('model_prices_model_from_key').on(t.model, t.effectiveFrom)],
);

/**
 * One run of an agent: started by the agent, reported while it runs (cumulative usage), finished with an outcome.
 * `cost_source` says whether the cost was reported by the agent or computed from `price_id`.
 */
export const executions = pgTable(
  'executions',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    agentId: text('agent_id').notNull(),
    ticketId: text('ticket_id'),
    cronRunId: text('cron_run_id'),
    workflowStepId: text('workflow_step_id'),
    /** running | success | failed | blocked */
    status: text('status').notNull().default('running'),
    startedAt: ts('started_at').notNull(),
    endedAt: ts('ended_at'),
    durationMs: bigint('duration_ms', { mode: 'number' }),
    tokensIn: bigint('tokens_in', { mode: 'number' }).notNull().default(0),
    tokensOut: bigint('tokens_out', { mode: 'number' }).notNull().default(0),
    apiCalls: integer('api_calls').notNull().default(0),
    model: text('model'),
    costUsd: usd('cost_usd'),
    /** reported | computed | unpriced (no price known for the model: tokens count, cost does not) */
    costSource: text('cost_source'),
    priceId: text('price_id'),
    /** [{input, reasoning, output, at}] */
    decisions: jsonb('decisions').$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    summary: text('summary'),
    /** Set when a usage report was answered `continue: false` (budget exhausted). */
    stopRequestedAt: ts('stop_requested_at'),
    lastReportAt: ts('last_report_at'),
    /**
     * The UTC month (first day) of the first non-zero usage charge of this run (null before it). A later report that
     * lowers the cost is credited to the month being charged only while that is still this month; after a rollover
     * the charges belong to an earlier month and the credit is dropped (usage never goes negative).
     */
    firstChargedMonth: date('first_charged_month', { mode: 'string' }),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
    search: tsvector('search').generatedAlwaysAs(
      // Only the words of the decisions (input, reasoning, output): not their JSON keys, times or escapes, which
      // would make every run with decisions match `input` or `n`. Bounded, as a tsvector must stay under 1 MB.
      sql`to_tsvector('simple'::regconfig, coalesce(model, '') || ' ' || coalesce(summary, '') || ' ' || left(regexp_replace(jsonb_path_query_array(decisions, '$[*].input')::text || ' ' || jsonb_path_query_array(decisions, '$[*].reasoning')::text || ' ' || jsonb_path_query_array(decisions, '$[*].output')::text, '\\\\[nrt]|[\\\\"\\[\\],]', ' ', 'g'), 200000))`,
    ),
    /**
     * A run dispatched to an agent linked to an OpenClaw gateway (ADR 0023): the gateway it goes through, the run id
     * the gateway knows it by (= the execution id, sent as the idempotency key) once sent, and where the hand-over
     * is — `queued` (written by the dispatch door, waiting for the process that owns the gateway's connection),
     * `sent` (the gateway accepted it), `running` (its lifecycle started), `finished`. Null for every other run.
     */
    gatewayId: text('gateway_id'),
    gatewayRunId: text('gateway_run_id'),
    dispatchState: text('dispatch_state'),
    /** When the gateway accepted the run, and by when it must have finished (else failed, timeout). */
    gatewaySentAt: ts('gateway_sent_at'),
    gatewayDeadlineAt: ts('gateway_deadline_at'),
    /** The session the gateway runs it in, as the gateway names it (its events say; the transcript is found by it). */
    gatewaySessionKey: text('gateway_session_key'),
    /** The dispatched task ({title, instructions, labels, priority}), kept until the owner sends it to the gateway. */
    gatewayTask: jsonb('gateway_task'),
    /** 7-day bucket of `started_at` (as activity.created_week): the time windows of a word search. */
    startedWeek: integer('started_week').generatedAlwaysAs(sql`(((started_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01') / 7)`),
  },
  (t) => [
    index('executions_workspace_started_idx').on(t.workspaceId, t.startedAt, t.id),
    index('executions_agent_started_idx').on(t.agentId, t.startedAt, t.id),
    index('executions_ticket_idx').on(t.ticketId, t.startedAt).where(sql`${t.ticketId} IS NOT NULL`),
    // A cron run's tokens and cost are the sum of the executions that carry its id.
    index('executions_cron_run_idx').on(t.cronRunId).where(sql`${t.cronRunId} IS NOT NULL`),
    // The gateway owner's pick-up (queued work) and its deadline / missed-event checks: only runs still in hand-over.
    index('executions_gateway_dispatch_idx').on(t.gatewayId, t.dispatchState, t.startedAt).where(sql`${t.dispatchState} IN ('queued', 'sent', 'running')`),
    index('executions_status_started_idx').on(t.workspaceId, t.status, t.startedAt, t.id),
    index('executions_started_idx').on(t.startedAt, t.id),
    // `?sort=costUsd` / `durationMs` in a workspace (the dashboard's and an agent's scope) as a walk: the list sorts
    // on these expressions (no NULLs, for keyset paging); without them a sort of every run of the workspace (440 ms
    // for one workspace at a million runs, bench/README.md).
    index('executions_workspace_cost_idx').on(t.workspaceId, sql`coalesce(${t.costUsd}, -1)`, t.id),
    index('executions_workspace_duration_idx').on(t.workspaceId, sql`coalesce(${t.durationMs}, -1)`, t.id),
    // Runs nobody reports on any more (a crashed agent): the sweeper finds them by their last sign of life.
    index('executions_running_idx')
      .on(sql`coalesce(${t.lastReportAt}, ${t.startedAt})`)
      .where(sql`${t.status} = 'running'`),
    // As for activity: workspace, week and words in one GIN index (btree_gin).
    index('executions_search_idx').using('gin', t.workspaceId, t.startedWeek, t.search).with({ gin_pending_list_limit: 256 }),
  ],
);


/**
 * Run tokens (ADR 0023): the credential handed to an agent run dispatched through an OpenClaw gateway, so that it
 * can report back over REST — scoped to its one execution and ticket, stored hashed (as API keys), valid only while
 * the execution runs and until `expires_at`. Never the agent's long-lived key.
 */
export const runTokens = pgTable(
  'run_tokens',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    agentId: text('agent_id').notNull(),
    executionId: text('execution_id')
      .notNull()
      .references(() => executions.id, { onDelete: 'cascade' }),
    ticketId: text('ticket_id'),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [uniqueIndex('run_tokens_token_hash_key').on(t.tokenHash), index('run_tokens_execution_idx').on(t.executionId)],
);

/**
 * Finished executions rolled up per UTC day, workspace, agent and model, written in the transaction that finishes
 * an execution. Metrics and cost charts read this (bounded by days × agents × models), never the raw runs.
 */
export const executionStatsDaily = pgTable(
  'execution_stats_daily',
  {
    workspaceId: text('workspace_id').notNull(),
    agentId: text('agent_id').notNull(),
    /** '' when the run reported no model. */
    model: text('model').notNull().default(''),
    /** The cron whose run the execution was (through `cron_run_id`); '' for any other execution (ADR 0007: a workspace's costs by cron). */
    cronId: text('cron_id').notNull().default(''),
    day: date('day', { mode: 'string' }).notNull(),
    attempted: integer('attempted').notNull().default(0),
    succeeded: integer('succeeded').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    blocked: integer('blocked').notNull().default(0),
    tokensIn: bigint('tokens_in', { mode: 'number' }).notNull().default(0),
    tokensOut: bigint('tokens_out', { mode: 'number' }).notNull().default(0),
    apiCalls: bigint('api_calls', { mode: 'number' }).notNull().default(0),
    costUsd: usd('cost_usd').notNull().default('0'),
    durationMs: bigint('duration_ms', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.day, t.agentId, t.model, t.cronId] }),
    // Migration 0012 (hand-written) makes this index cover the counters (INCLUDE) and adds a covering
    // (workspace_id, day) index, so that metrics are index-only scans; Drizzle's index builder has no INCLUDE.
    index('execution_stats_agent_day_idx').on(t.agentId, t.day),
  ],
);

/**
 * What a workspace has used in one UTC month (tokens and cost, running executions included), and where it stands
 * against its budget: thresholds notified once per month, `blocked` while a hard stop is in force.
 */
export const workspaceUsage = pgTable(
  'workspace_usage',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** First day of the month (UTC). */
    month: date('month', { mode: 'string' }).notNull(),
    tokens: bigint('tokens', { mode: 'number' }).notNull().default(0),
    costUsd: usd('cost_usd').notNull().default('0'),
    tokenWarnedAt: ts('token_warned_at'),
    costWarnedAt: ts('cost_warned_at'),
    tokenExceededAt: ts('token_exceeded_at'),
    costExceededAt: ts('cost_exceeded_at'),
    /** true while hard stop is on and a limit is reached: claims, dispatches, runs get 402. */
    blocked: boolean('blocked').notNull().default(false),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.month] })],
);

/** A human's verdict on a ticket or an execution (one per person and item, changeable), credited to an agent. */
export const ratings = pgTable(
  'ratings',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** ticket | execution */
    targetKind: text('target_kind').notNull(),
    targetId: text('target_id').notNull(),
    /** The agent the work is credited to (the execution's agent, the ticket's holder or assignee); null if none. */
    agentId: text('agent_id'),
    userId: text('user_id').notNull(),
    /** good | bad */
    rating: text('rating').notNull(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ratings_target_user_key').on(t.targetKind, t.targetId, t.userId),
    index('ratings_agent_idx').on(t.agentId, t.updatedAt),
    index('ratings_workspace_idx').on(t.workspaceId, t.updatedAt),
  ],
);

/**
 * A scheduled job (issue 14). Instance-level: its targets may sit in several workspaces, and it is visible to
 * whoever can see one of its targets' workspaces. `owner` says which side owns the definition: Mission Control, or
 * an OpenClaw gateway whose own cron job is mirrored here (`gateway_id` + `gateway_job_id`, the stable link the
 * two-way sync of the OpenClaw issue keys on).
 *
 * The scheduler reads due work from the database, never from in-memory timers: `next_due_at` is the next scheduled
 * slot not fired yet (null when paused, or an `@once` job whose slot has fired), and the partial index
 * `crons_due_idx` makes "what is due now, and when is the next one" an index range scan.
 */
export const crons = pgTable(
  'crons',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** As written by the user: a 5-field expression, `@every 15m` or `@once 2027-01-01T09:00:00Z`. */
    schedule: text('schedule').notNull(),
    /** cron | every | once — derived from `schedule` when it is written. */
    scheduleKind: text('schedule_kind').notNull(),
    /** IANA time zone the expression is read in. */
    timezone: text('timezone').notNull().default('UTC'),
    /** {title, instructions, labels, priority, createTicket} */
    task: jsonb('task').$type<Record<string, unknown>>().notNull(),
    /** {maxAttempts, backoff: exponential|fixed, baseSeconds, maxSeconds} */
    retry: jsonb('retry').$type<Record<string, unknown>>().notNull(),
    /** skip | queue_one | allow — what a slot does while the previous run of the same target still goes. */
    concurrency: text('concurrency').notNull().default('skip'),
    /** once | skip — slots missed while no scheduler ran: fire the latest once, or record them missed. */
    catchUp: text('catch_up').notNull().default('once'),
    enabled: boolean('enabled').notNull().default(true),
    /** mission_control | gateway */
    owner: text('owner').notNull().default('mission_control'),
    gatewayId: text('gateway_id'),
    gatewayJobId: text('gateway_job_id'),
    /** The next slot to fire (UTC); null while paused or when nothing is left to fire. */
    nextDueAt: ts('next_due_at'),
    /** The last slot fired (UTC), for catch-up after downtime. */
    lastSlotAt: ts('last_slot_at'),
    /** Consecutive failed runs; > 0 is the `failing` status. Admins are notified when it becomes 1. */
    failureStreak: integer('failure_streak').notNull().default(0),
    lastRunAt: ts('last_run_at'),
    lastRunStatus: text('last_run_status'),
    /** Why the cron was paused by Mission Control itself (e.g. no runnable target left); null when paused by a person. */
    pausedReason: text('paused_reason'),
    // Two-way sync with an OpenClaw gateway (issue 15, ADR 0020); all null/default for a cron no gateway is involved in.
    /** ok | pending | conflict | error; null when the cron is not linked to a gateway job. */
    syncState: text('sync_state'),
    /** Content hash of the mapped fields as Mission Control held them at the last sync (gateway-sync/mapping.ts). */
    syncFingerprint: text('sync_fingerprint'),
    /** Content hash of the mapped fields of the gateway's job at the last sync (never OpenClaw's configRevision). */
    gatewayFingerprint: text('gateway_fingerprint'),
    lastSyncedAt: ts('last_synced_at'),
    /** What went wrong or what conflicts, in words (no secrets); null when in sync. */
    syncError: text('sync_error'),
    /** A gateway job Mission Control shows but never modifies (built-in jobs, shell commands, unknown kinds). */
    readOnly: boolean('read_only').notNull().default(false),
    /** builtin | unsupported_schedule | unsupported_payload | … (gateway-sync/openclaw-job.ts READ_ONLY_REASONS). */
    readOnlyReason: text('read_only_reason'),
    /** record | force_run — what Mission Control does with a slot the gateway did not run. */
    missedRunPolicy: text('missed_run_policy').notNull().default('record'),
    /** Slots in a row the gateway did not run (0 after a run started); admins are notified when a streak begins. */
    missedStreak: integer('missed_streak').notNull().default(0),
    /** The next slot of the gateway job to check for a missed run (the detector's `resumeAt`); null before the first check. */
    missedResumeAt: ts('missed_resume_at'),
    /** An admin's answer to a reported conflict (mission_control | gateway): which side wins on the next sync. */
    conflictResolution: text('conflict_resolution'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // Gateway-fired crons (gateway_id set) are fired by their gateway, never by the scheduler (ADR 0020): left out.
    index('crons_due_idx').on(t.nextDueAt, t.id).where(sql`${t.enabled} AND ${t.nextDueAt} IS NOT NULL AND ${t.gatewayId} IS NULL`),
    index('crons_created_idx').on(t.createdAt, t.id),
    uniqueIndex('crons_gateway_job_key').on(t.gatewayId, t.gatewayJobId).where(sql`${t.gatewayId} IS NOT NULL`),
  ],
);

/** One agent a cron runs for, in that agent's workspace (CRON-03: one or several workspaces). */
export const cronTargets = pgTable(
  'cron_targets',
  {
    cronId: text('cron_id')
      .notNull()
      .references(() => crons.id, { onDelete: 'cascade' }),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    agentId: text('agent_id').notNull(),
    /** Order the targets were given in. */
    position: integer('position').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.cronId, t.agentId] }),
    index('cron_targets_workspace_idx').on(t.workspaceId, t.cronId),
    index('cron_targets_agent_idx').on(t.agentId, t.cronId),
  ],
);

/**
 * One run: one (cron, scheduled slot, target). The id is derived from those three (`cronRunId(cronId, slot,
 * agentId)`), so two schedulers on one PostgreSQL, or a restart, can never fire the same slot twice: the insert is
 * `ON CONFLICT DO NOTHING`. A manual "run now" is its own slot (the time it was asked for). Attempts (retries) are
 * listed inside the run. Tokens and cost come from the executions that carry its id (`executions.cron_run_id`),
 * charged to the workspace where the target executed (`workspace_id`, the API's `chargedWorkspaceId`).
 */
export const cronRuns = pgTable(
  'cron_runs',
  {
    id: text('id').primaryKey(),
    cronId: text('cron_id')
      .notNull()
      .references(() => crons.id, { onDelete: 'cascade' }),
    /** The target's workspace: where its tickets, events and costs go. */
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    agentId: text('agent_id').notNull(),
    /** The scheduled time this run is for (UTC). */
    slot: ts('slot').notNull(),
    /** schedule | manual | catch_up */
    trigger: text('trigger').notNull().default('schedule'),
    /** pending | running | success | failed | skipped | missed */
    status: text('status').notNull().default('pending'),
    /** Why a run was skipped, missed or failed (e.g. BUDGET_EXCEEDED, AGENT_INACTIVE, WORKSPACE_ARCHIVED, DEADLINE). */
    reason: text('reason'),
    /** The current attempt, from 1. */
    attempt: integer('attempt').notNull().default(1),
    /** [{attempt, status, startedAt, endedAt, error, executionId, ticketId}] */
    attempts: jsonb('attempts').$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    /** When the next (or first) attempt may start; the scheduler picks pending runs through `cron_runs_due_idx`. */
    dueAt: ts('due_at'),
    /** A running attempt fails when this passes without an outcome. */
    deadlineAt: ts('deadline_at'),
    startedAt: ts('started_at'),
    endedAt: ts('ended_at'),
    durationMs: bigint('duration_ms', { mode: 'number' }),
    output: text('output'),
    ticketIds: text('ticket_ids').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('cron_runs_slot_key').on(t.cronId, t.slot, t.agentId),
    index('cron_runs_cron_idx').on(t.cronId, t.slot, t.id),
    index('cron_runs_workspace_idx').on(t.workspaceId, t.createdAt, t.id),
    index('cron_runs_due_idx').on(t.dueAt, t.id).where(sql`${t.status} = 'pending'`),
    index('cron_runs_deadline_idx').on(t.deadlineAt).where(sql`${t.status} = 'running'`),
    // "Does this target's previous run still go?" (concurrency skip | queue_one) and the queued run to promote when
    // it ends: the few active runs of a (cron, target), never the whole history of an every-minute cron.
    index('cron_runs_active_idx').on(t.cronId, t.agentId, t.slot).where(sql`${t.status} IN ('pending', 'running')`),
    // "Does this workspace have a run in flight?" — the webhook dispatcher asks it of every ticket move and finished
    // execution (cronOutcomeWantedSql), so that those of workspaces without one stay on the quiet skip.
    index('cron_runs_running_idx').on(t.workspaceId).where(sql`${t.status} = 'running'`),
  ],
);

/**
 * An OpenClaw gateway a workspace connects to (issue 15). Its token and device identity are sealed at rest
 * (packages/core/src/shared/secrets.ts, AES-256-GCM under MC_SECRET_KEY; `mcs1.<keyId>.…`) and never returned.
 * The live columns (state … last_synced_at) are written only by the process that owns the gateway's connection; a
 * person's edit bumps `version`, a state report does not (it never makes an edit stale).
 */
export const gateways = pgTable(
  'gateways',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** ws:// or wss:// */
    url: text('url').notNull(),
    /** The gateway token, sealed. */
    tokenCiphertext: text('token_ciphertext').notNull(),
    tokenUpdatedAt: ts('token_updated_at').notNull().defaultNow(),
    /** The Ed25519 device identity used for pairing with a remote gateway, sealed; null until one is made. */
    deviceIdentityCiphertext: text('device_identity_ciphertext'),
    /**
     * The URL was set by an instance admin: a private or loopback address is fine when connecting too (a workspace
     * admin's URL may reach one only through MC_GATEWAY_ALLOWED_HOSTS).
     */
    allowPrivate: boolean('allow_private').notNull().default(false),
    /** connecting | connected | unreachable | unauthorized */
    state: text('state').notNull().default('connecting'),
    serverVersion: text('server_version'),
    protocol: integer('protocol'),
    /** The agents the gateway hosts, from `agents.list`: [{id, name}]. */
    agents: jsonb('agents').$type<{ id: string; name: string }[]>().notNull().default(sql`'[]'::jsonb`),
    lastError: text('last_error'),
    lastErrorAt: ts('last_error_at'),
    stateChangedAt: ts('state_changed_at').notNull().defaultNow(),
    lastSyncedAt: ts('last_synced_at'),
    /** POST /gateways/{id}/sync asks the connection owner for a sync (signalled on mc_gateways). */
    syncRequestedAt: ts('sync_requested_at'),
    /**
     * The token the gateway sends with its cron webhook deliveries (`cron.webhookToken`), sealed; made by Mission
     * Control on the first connection and written to the gateway's config (ADR 0020 wiring).
     */
    webhookTokenCiphertext: text('webhook_token_ciphertext'),
    /** What the cron sync could not do on its own, for the gateway page: [{jobId, name, reason}] (e.g. no linked agent). */
    cronSyncNotes: jsonb('cron_sync_notes').$type<{ jobId: string; name: string; reason: string }[]>().notNull().default(sql`'[]'::jsonb`),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // A name is unique in its workspace, ignoring case.
    uniqueIndex('gateways_workspace_name_key').on(t.workspaceId, sql`lower(${t.name})`),
    // GET /gateways walks one of these per sort and stops after its page.
    index('gateways_workspace_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('gateways_workspace_sort_name_idx').on(t.workspaceId, t.name, t.id),
    index('gateways_workspace_state_idx').on(t.workspaceId, t.state, t.id),
  ],
);
