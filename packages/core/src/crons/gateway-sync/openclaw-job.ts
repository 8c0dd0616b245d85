// An OpenClaw cron job as `cron.list` / `cron.get` return it (protocol v4, openclaw 2026.9.6), read defensively: the
// gateway adds fields and kinds between releases, so everything is optional and unknown values are kept as they came
// (an unknown kind is "not representable", never an error). Facts used here (ADR 0020):
// - schedules: `at` {at}, `every` {everyMs, anchorMs} (the gateway stores an anchor: createdAtMs when none was given),
//   `cron` {expr, tz?, staggerMs} (cron.add stores a 5-minute stagger for recurring top-of-hour expressions unless
//   `staggerMs` is given; without `tz` the expression is read in the gateway host's zone), `on-exit`, `stream`.
// - payloads: `agentTurn` {message, timeoutSeconds?, model?, …}, `systemEvent`, `command`, `script`, and the
//   gateway-owned `heartbeat`.
// - `declarationKey` (≤ 200 chars): `cron.add` with a key converges the job that already carries it instead of adding a
//   second one. Reserved, gateway-owned namespaces: `heartbeat:`, `heartbeat-task:`, `skill-collection-review:`.

export interface OpenClawSchedule {
  kind?: string;
  at?: string;
  everyMs?: number;
  anchorMs?: number;
  expr?: string;
  tz?: string;
  staggerMs?: number;
  [k: string]: unknown;
}

export interface OpenClawPayload {
  kind?: string;
  message?: string;
  timeoutSeconds?: number;
  [k: string]: unknown;
}

export interface OpenClawDelivery {
  mode?: string;
  to?: string;
  [k: string]: unknown;
}

export interface OpenClawJobState {
  nextRunAtMs?: number;
  runningAtMs?: number;
  lastRunAtMs?: number;
  lastRunStatus?: string;
  [k: string]: unknown;
}

export interface OpenClawJob {
  id: string;
  name: string;
  declarationKey?: string;
  displayName?: string;
  description?: string;
  agentId?: string;
  enabled: boolean;
  deleteAfterRun?: boolean;
  createdAtMs?: number;
  updatedAtMs?: number;
  schedule: OpenClawSchedule;
  sessionTarget?: string;
  wakeMode?: string;
  payload: OpenClawPayload;
  delivery?: OpenClawDelivery;
  trigger?: unknown;
  pacing?: unknown;
  state?: OpenClawJobState;
  /** Opaque content hash; can repeat (openclaw issue 139505), so never used to detect a change. */
  configRevision?: unknown;
  [k: string]: unknown;
}

/** The body of `cron.add` Mission Control sends (every field explicit: an omitted `delivery` means "announce"). */
export interface OpenClawJobCreate {
  name: string;
  declarationKey: string;
  description: string;
  /** Left out: the gateway's default agent. */
  agentId?: string;
  enabled: boolean;
  deleteAfterRun?: boolean;
  schedule: { kind: 'cron'; expr: string; tz: string; staggerMs: 0 } | { kind: 'every'; everyMs: number; anchorMs: 0 } | { kind: 'at'; at: string };
  sessionTarget: 'isolated';
  wakeMode: 'now';
  payload: { kind: 'agentTurn'; message: string; timeoutSeconds?: number };
  delivery: { mode: 'webhook'; to: string };
}

/** The `patch` of `cron.update {id, patch}`: only the fields that differ. `timeoutSeconds: null` clears it. */
export type OpenClawJobPatch = Partial<Omit<OpenClawJobCreate, 'declarationKey' | 'payload'>> & {
  payload?: { kind: 'agentTurn'; message?: string; timeoutSeconds?: number | null };
};

// ------------------------------------------------------------------------------------------------- built-ins

/**
 * How OpenClaw's own jobs are recognised, as data. A job is built-in when its declaration key starts with one of the
 * prefixes or equals one of the keys, when its payload is the gateway-owned `heartbeat` kind, or when its description
 * carries a `[managed-by=…]` tag (what memory-core stamps on its nightly job, also in versions without keys).
 */
export const OPENCLAW_BUILTIN_JOBS = {
  declarationKeyPrefixes: ['heartbeat:', 'heartbeat-task:', 'skill-collection-review:', 'memory-core:'],
  declarationKeys: ['openclaw-backup-scheduled'],
  payloadKinds: ['heartbeat'],
  descriptionTags: ['[managed-by='],
  /** The nightly memory job's name (memory-core), also in versions that predate its declaration key. */
  names: ['Memory Dreaming Promotion'],
} as const;

/** Which built-in a job is (for the read-only label), or null when it is not one of OpenClaw's own jobs. */
export function builtinKind(job: Pick<OpenClawJob, 'declarationKey' | 'payload' | 'description' | 'name'>): 'heartbeat' | 'memory' | 'skill_review' | 'backup' | 'system' | null {
  const key = typeof job.declarationKey === 'string' ? job.declarationKey : '';
  const name = typeof job.name === 'string' ? job.name : '';
  if (key.startsWith('heartbeat:') || key.startsWith('heartbeat-task:') || job.payload?.kind === 'heartbeat') return 'heartbeat';
  if (key.startsWith('skill-collection-review:')) return 'skill_review';
  if (key.startsWith('memory-core:') || OPENCLAW_BUILTIN_JOBS.names.includes(name as never)) return 'memory';
  if ((OPENCLAW_BUILTIN_JOBS.declarationKeys as readonly string[]).includes(key)) return 'backup';
  if (typeof job.description === 'string' && OPENCLAW_BUILTIN_JOBS.descriptionTags.some((t) => job.description!.includes(t))) return 'system';
  return null;
}

/** Why a gateway job is shown read-only. */
export const READ_ONLY_REASONS = {
  BUILTIN: 'builtin',
  /** on-exit, stream, or a kind this version does not know. */
  UNSUPPORTED_SCHEDULE: 'unsupported_schedule',
  /** A cron expression without `tz` runs in the gateway host's zone, which Mission Control cannot see. */
  NO_TIMEZONE: 'no_timezone',
  /** shell command, script, system event, or a kind this version does not know. */
  UNSUPPORTED_PAYLOAD: 'unsupported_payload',
  /** A condition trigger or dynamic pacing decides when it runs, not the schedule alone. */
  CONDITIONAL: 'conditional',
  /** Runs in the main session or a named one (Mission Control's jobs run isolated). */
  UNSUPPORTED_SESSION: 'unsupported_session',
  /** Carries another Mission Control instance's declaration key. */
  OTHER_INSTANCE: 'other_instance',
} as const;
export type ReadOnlyReason = (typeof READ_ONLY_REASONS)[keyof typeof READ_ONLY_REASONS];
