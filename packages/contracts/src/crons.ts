// Crons (issue 14): scheduled jobs whose targets are agents in one or several workspaces, and their runs (one per
// scheduled slot and target, attempts inside). The schedule's rules (parsing, time zones, DST, next runs) live on
// the server: the dashboard previews a schedule with POST /crons/preview.
import { CRON_RETRY_DEFAULTS, TICKET_PRIORITY_VALUES } from './constants';
import { ZIsoDate, ZVersion } from './common';
import { z } from './z';

export const CRON_STATUS_VALUES = ['active', 'paused', 'failing'] as const;
export const CRON_OWNER_VALUES = ['mission_control', 'gateway'] as const;
export const CRON_SYNC_STATE_VALUES = ['ok', 'pending', 'conflict', 'error'] as const;
export const CRON_CONFLICT_SIDE_VALUES = ['mission_control', 'gateway'] as const;
export const CRON_MISSED_RUN_POLICY_VALUES = ['record', 'force_run'] as const;
export const CRON_CONCURRENCY_VALUES = ['skip', 'queue_one', 'allow'] as const;
export const CRON_CATCH_UP_VALUES = ['once', 'skip'] as const;
export const CRON_BACKOFF_VALUES = ['exponential', 'fixed'] as const;
export const CRON_SCHEDULE_KIND_VALUES = ['cron', 'every', 'once'] as const;
export const CRON_RUN_STATUS_VALUES = ['pending', 'running', 'success', 'failed', 'skipped', 'missed'] as const;
export const CRON_RUN_TRIGGER_VALUES = ['schedule', 'manual', 'catch_up'] as const;

/** Bounds of a cron's input (ADR 0008: every input is bounded). */
export const CRON_LIMITS = {
  nameMax: 120,
  scheduleMax: 200,
  timezoneMax: 64,
  targetsMax: 50,
  titleMax: 300,
  instructionsMax: 20_000,
  labelsMax: 20,
  maxAttemptsMax: 10,
  backoffSecondsMax: 86_400,
} as const;

const ZCronName = z.string().trim().min(1).max(CRON_LIMITS.nameMax);
const ZSchedule = z
  .string()
  .min(1)
  .max(CRON_LIMITS.scheduleMax)
  .openapi({
    description:
      'A 5-field cron expression (minute hour day-of-month month day-of-week; `L`, `#`, names and @hourly/@daily/@weekly/@monthly/@yearly accepted), `@every <duration>` (units d h m s, at least 1 minute; slots are multiples of the interval since 1970-01-01T00:00Z) or `@once <ISO-8601 time>` (without an offset: a wall time in `timezone`). In a DST gap a slot fires once, shifted forward by the gap; a repeated wall time fires once, at its first occurrence.',
    example: '0 9 * * 1-5',
  });
const ZTimezone = z.string().min(1).max(CRON_LIMITS.timezoneMax).openapi({ description: 'IANA time zone the expression is read in', example: 'Europe/Berlin' });

export const ZCronTargetInput = z
  .object({
    workspaceId: z.string().min(1).max(64).openapi({ description: 'Workspace id or slug' }),
    agentId: z.string().min(1).max(64).openapi({ description: 'An agent of that workspace' }),
  })
  .strict();

export const ZCronTask = z
  .object({
    title: z.string().trim().min(1).max(CRON_LIMITS.titleMax),
    instructions: z.string().max(CRON_LIMITS.instructionsMax).default(''),
    labels: z.array(z.string().trim().min(1).max(50)).max(CRON_LIMITS.labelsMax).default([]),
    priority: z.enum(TICKET_PRIORITY_VALUES).default('medium'),
    createTicket: z.boolean().default(true).openapi({ description: 'Create a ticket offered to the target for each run' }),
  })
  .strict()
  .openapi('CronTask');

export const ZCronRetry = z
  .object({
    maxAttempts: z.number().int().min(1).max(CRON_LIMITS.maxAttemptsMax).default(CRON_RETRY_DEFAULTS.maxAttempts).openapi({ description: 'Attempts of one run, the first included' }),
    backoff: z.enum(CRON_BACKOFF_VALUES).default(CRON_RETRY_DEFAULTS.backoff),
    baseSeconds: z.number().int().min(1).max(CRON_LIMITS.backoffSecondsMax).default(CRON_RETRY_DEFAULTS.baseSeconds),
    maxSeconds: z.number().int().min(1).max(CRON_LIMITS.backoffSecondsMax).default(CRON_RETRY_DEFAULTS.maxSeconds),
  })
  .strict()
  .openapi('CronRetry');

export const ZCreateCronRequest = z
  .object({
    name: ZCronName,
    schedule: ZSchedule,
    timezone: ZTimezone.default('UTC'),
    targets: z.array(ZCronTargetInput).min(1).max(CRON_LIMITS.targetsMax),
    task: ZCronTask,
    retry: ZCronRetry.default({ ...CRON_RETRY_DEFAULTS }),
    concurrency: z.enum(CRON_CONCURRENCY_VALUES).default('skip').openapi({ description: 'What a slot does while the previous run of the same target still goes' }),
    catchUp: z.enum(CRON_CATCH_UP_VALUES).default('once').openapi({ description: 'Slots missed while no scheduler ran: fire the latest once, or record them missed' }),
    enabled: z.boolean().default(true),
  })
  .strict()
  .openapi('CreateCronRequest');

export const ZUpdateCronRequest = z
  .object({
    name: ZCronName.optional(),
    schedule: ZSchedule.optional(),
    timezone: ZTimezone.optional(),
    targets: z.array(ZCronTargetInput).min(1).max(CRON_LIMITS.targetsMax).optional().openapi({ description: 'Replaces the targets (each new workspace needs your admin rights too)' }),
    task: z
      .object({
        title: z.string().trim().min(1).max(CRON_LIMITS.titleMax).optional(),
        instructions: z.string().max(CRON_LIMITS.instructionsMax).optional(),
        labels: z.array(z.string().trim().min(1).max(50)).max(CRON_LIMITS.labelsMax).optional(),
        priority: z.enum(TICKET_PRIORITY_VALUES).optional(),
        createTicket: z.boolean().optional(),
      })
      .strict()
      .optional(),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(CRON_LIMITS.maxAttemptsMax).optional(),
        backoff: z.enum(CRON_BACKOFF_VALUES).optional(),
        baseSeconds: z.number().int().min(1).max(CRON_LIMITS.backoffSecondsMax).optional(),
        maxSeconds: z.number().int().min(1).max(CRON_LIMITS.backoffSecondsMax).optional(),
      })
      .strict()
      .optional(),
    concurrency: z.enum(CRON_CONCURRENCY_VALUES).optional(),
    missedRunPolicy: z.enum(CRON_MISSED_RUN_POLICY_VALUES).optional().openapi({ description: 'Gateway-fired crons: record missed slots, or also force-run the latest one' }),
    resolveConflict: z
      .enum(CRON_CONFLICT_SIDE_VALUES)
      .optional()
      .openapi({ description: 'A cron in sync conflict: which side wins on the next sync (its gateway is asked to sync)' }),
    catchUp: z.enum(CRON_CATCH_UP_VALUES).optional(),
    enabled: z.boolean().optional().openapi({ description: 'false pauses; true resumes from now (missed slots are not fired)' }),
    version: ZVersion.optional(),
  })
  .strict()
  .openapi('UpdateCronRequest');

export const ZCronTarget = z
  .object({ workspaceId: z.string(), agentId: z.string(), agentName: z.string().nullable(), agentStatus: z.string().nullable() })
  .openapi('CronTarget');

export const ZCron = z
  .object({
    id: z.string().openapi({ example: 'crn_01JD0000000000000000000000' }),
    name: z.string(),
    schedule: z.string(),
    scheduleKind: z.enum(CRON_SCHEDULE_KIND_VALUES),
    timezone: z.string(),
    description: z.string().openapi({ description: 'The schedule in plain words', example: 'At 09:00, Monday through Friday (Europe/Berlin)' }),
    nextRuns: z.array(ZIsoDate).openapi({ description: 'The next three slots (ISO-8601 UTC); empty while paused or when nothing is left to fire' }),
    nextDueAt: ZIsoDate.nullable().openapi({ description: 'The next slot the scheduler will fire' }),
    status: z.enum(CRON_STATUS_VALUES).openapi({ description: 'paused: disabled; failing: its last runs failed; active otherwise' }),
    enabled: z.boolean(),
    pausedReason: z.string().nullable().openapi({ description: 'Why Mission Control paused it itself (null when paused by a person)' }),
    owner: z.enum(CRON_OWNER_VALUES),
    gatewayId: z.string().nullable(),
    gatewayJobId: z.string().nullable(),
    sync: z
      .object({
        state: z.enum(CRON_SYNC_STATE_VALUES),
        error: z.string().nullable().openapi({ description: 'Why the last sync of this cron failed (the gateway\'s words); null when it did not' }),
        conflict: z.string().nullable().openapi({ description: 'What conflicts (edited on both sides, …): resolve with PATCH `resolveConflict`' }),
        conflictResolution: z.enum(CRON_CONFLICT_SIDE_VALUES).nullable().openapi({ description: 'The side chosen to win on the next sync' }),
        lastSyncedAt: ZIsoDate.nullable(),
      })
      .nullable()
      .openapi({ description: 'Two-way sync with its gateway (ADR 0020); null for a cron no gateway is involved in' }),
    readOnly: z.boolean().openapi({ description: 'A gateway job Mission Control shows but never changes (built-in, or not expressible here)' }),
    readOnlyReason: z.string().nullable(),
    missedRunPolicy: z.enum(CRON_MISSED_RUN_POLICY_VALUES).openapi({ description: 'Gateway-fired crons: what a slot the gateway did not run gets — recorded as `missed`, or also run at once (`force_run`)' }),
    missedStreak: z.number().int().openapi({ description: 'Slots in a row the gateway did not run' }),
    targets: z.array(ZCronTarget).openapi({ description: 'Targets in workspaces you can see' }),
    hiddenTargets: z.number().int().openapi({ description: 'Targets in workspaces you cannot see (left out of `targets`)' }),
    task: z.object({ title: z.string(), instructions: z.string(), labels: z.array(z.string()), priority: z.enum(TICKET_PRIORITY_VALUES), createTicket: z.boolean() }),
    retry: z.object({ maxAttempts: z.number().int(), backoff: z.enum(CRON_BACKOFF_VALUES), baseSeconds: z.number().int(), maxSeconds: z.number().int() }),
    concurrency: z.enum(CRON_CONCURRENCY_VALUES),
    catchUp: z.enum(CRON_CATCH_UP_VALUES),
    failureStreak: z.number().int(),
    lastRun: z.object({ status: z.string(), at: ZIsoDate }).nullable().openapi({ description: 'The latest finished run: its status and end' }),
    running: z
      .object({
        runs: z.number().int().openapi({ description: 'Runs pending or under way' }),
        since: ZIsoDate.openapi({ description: 'Start of the earliest of them (its creation while still pending)' }),
      })
      .nullable()
      .openapi({ description: 'Runs pending or under way in workspaces you can see; null when none' }),
    successRate: z.number().nullable().openapi({ description: 'Share of successful runs among the last 20 finished ones you can see (0..1); null before any' }),
    can: z
      .object({ edit: z.boolean(), run: z.boolean(), delete: z.boolean(), setMissedRunPolicy: z.boolean() })
      .openapi({ description: 'What you may do with it: admin rights in every targeted workspace; read-only gateway jobs take no edit/run/delete, gateway-owned ones are deleted on the gateway' }),
    createdBy: z.string().nullable(),
    createdAt: ZIsoDate,
    updatedAt: ZIsoDate,
    version: z.number().int(),
  })
  .openapi('Cron');

export const ZCronRunAttempt = z
  .object({
    attempt: z.number().int(),
    status: z.string(),
    startedAt: ZIsoDate.nullable(),
    endedAt: ZIsoDate.nullable(),
    error: z.string().nullable(),
    executionId: z.string().nullable(),
    ticketId: z.string().nullable(),
  })
  .partial()
  .openapi('CronRunAttempt');

export const ZCronRun = z
  .object({
    id: z.string().openapi({ example: 'crr_4Q2V8M0K3X9T7B1N5R6W2Y8Z0A' }),
    cronId: z.string(),
    slot: ZIsoDate,
    targetAgentId: z.string(),
    workspaceId: z.string(),
    chargedWorkspaceId: z.string().openapi({ description: "The workspace the run's cost is charged to (where the target executed)" }),
    trigger: z.enum(CRON_RUN_TRIGGER_VALUES),
    status: z.enum(CRON_RUN_STATUS_VALUES),
    reason: z.string().nullable(),
    attempt: z.number().int(),
    attempts: z.array(ZCronRunAttempt),
    startTime: ZIsoDate.nullable(),
    endTime: ZIsoDate.nullable(),
    durationMs: z.number().int().nullable(),
    output: z.string().nullable(),
    ticketIds: z.array(z.string()),
    tickets: z
      .array(z.object({ id: z.string(), number: z.number().int(), title: z.string(), status: z.string() }).openapi('CronRunTicket'))
      .openapi({ description: 'The tickets of `ticketIds` that still exist, with their number and title (one per attempt at most)' }),
    tokensIn: z.number().int(),
    tokensOut: z.number().int(),
    costUsd: z.string().openapi({ description: 'USD, 6 decimals, of the executions that carry this run id', example: '0.012000' }),
    dueAt: ZIsoDate.nullable(),
    createdAt: ZIsoDate,
  })
  .openapi('CronRun');

export const ZCronRunNow = z
  .object({
    runs: z.array(ZCronRun).openapi({ description: 'One pending run per runnable target you can see' }),
    skipped: z.array(z.object({ workspaceId: z.string(), agentId: z.string(), reason: z.string() })).openapi({ description: 'Targets that cannot run now, and why' }),
  })
  .openapi('CronRunNow');

export const ZCronPreviewRequest = z
  .object({ schedule: ZSchedule, timezone: ZTimezone.default('UTC'), count: z.number().int().min(1).max(20).default(3) })
  .strict()
  .openapi('CronPreviewRequest');

export const ZCronPreview = z
  .object({
    schedule: z.string(),
    scheduleKind: z.enum(CRON_SCHEDULE_KIND_VALUES),
    timezone: z.string().openapi({ description: 'Canonical spelling' }),
    description: z.string(),
    nextRuns: z.array(ZIsoDate),
  })
  .openapi('CronPreview');
