// Mission Control cron (with its one gateway target) ↔ OpenClaw job, and the fingerprints the reconcile planner
// compares (ADR 0020). Three groups of fields:
// - content: what both sides edit and the sync mirrors both ways — name, enabled, schedule, the message, the run
//   timeout, the gateway agent;
// - controls: what Mission Control sets on the jobs it created and repairs when someone changes them on the gateway —
//   `declarationKey`, a description saying where to edit it, `sessionTarget: isolated`, `wakeMode: now`, `delivery`
//   (always explicit: the webhook to Mission Control), `staggerMs: 0` (exact cron slots), `anchorMs: 0` (every-slots
//   on Mission Control's epoch grid) and `deleteAfterRun: false` (a one-shot job stays, with its run history);
// - extras: what a job created on the gateway carries that moves its slots (its stagger and anchor): watched, never set.
// A fingerprint is a SHA-256 of the canonical JSON of those fields, computed separately for each side; OpenClaw's
// `configRevision` is never used (it can repeat).
import { createHash } from 'node:crypto';
import { CRON_LIMITS } from '@mc/contracts';
import { EVERY_MAX_MS, EVERY_MIN_MS, parseSchedule, validateTimezone, wallToInstant, type ParsedSchedule, type ScheduleKind } from '../schedule';
import { builtinKind, READ_ONLY_REASONS, type OpenClawJob, type OpenClawJobCreate, type OpenClawJobPatch, type ReadOnlyReason } from './openclaw-job';

export type CronOwner = 'mission_control' | 'gateway';
export const SYNC_STATES = ['ok', 'pending', 'conflict', 'error'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

/** What the sync needs to know about this Mission Control instance and gateway. */
export interface SyncContext {
  /**
   * A short tag for this Mission Control instance (`[a-z0-9]{1,16}`), part of every declaration key it writes, so two
   * instances sharing a gateway never take each other's jobs for their own.
   */
  instanceTag: string;
  /** Where the gateway POSTs finished runs of Mission Control's jobs (`delivery.to`). */
  deliveryUrl: string;
}

/** One Mission Control cron linked (or to be linked) to one job on this gateway: the planner's view of a `crons` row. */
export interface McCronForSync {
  id: string;
  owner: CronOwner;
  name: string;
  /** As stored (`crons.schedule`); null for a read-only job whose schedule Mission Control cannot express. */
  schedule: string | null;
  timezone: string;
  enabled: boolean;
  task: { title: string; instructions: string; timeoutSeconds?: number | null };
  /** The target agent's id on the gateway (`agentId` of the job); null: the gateway's default agent. */
  gatewayAgentId: string | null;
  gatewayJobId: string | null;
  readOnly: boolean;
  readOnlyReason?: ReadOnlyReason | null;
  syncState: SyncState | null;
  syncFingerprint: string | null;
  gatewayFingerprint: string | null;
  /** An admin's answer to a reported conflict: which side wins on the next sync. */
  resolveConflict?: 'mission_control' | 'gateway' | null;
}

export type ContentSchedule = { kind: 'cron'; expr: string; tz: string } | { kind: 'every'; everyMs: number } | { kind: 'at'; atMs: number };

export interface SyncContent {
  name: string;
  enabled: boolean;
  schedule: ContentSchedule;
  message: string;
  timeoutSeconds: number | null;
  agentId: string | null;
}

export interface SyncControls {
  description: string | null;
  sessionTarget: string | null;
  wakeMode: string | null;
  delivery: { mode: string | null; to: string | null } | null;
  staggerMs: number | null;
  anchorMs: number | null;
  deleteAfterRun: boolean | null;
}

/** The fields Mission Control writes when it creates a cron from a gateway job or mirrors a gateway edit. */
export interface McCronFields {
  name: string;
  /** null when Mission Control cannot express the schedule (read-only job). */
  schedule: string | null;
  scheduleKind: ScheduleKind | null;
  timezone: string;
  enabled: boolean;
  /** Title and instructions; a job created on the gateway opens no ticket (`createTicket: false`). */
  task: { title: string; instructions: string; timeoutSeconds?: number };
  gatewayAgentId: string | null;
  readOnly: boolean;
  readOnlyReason: ReadOnlyReason | null;
}

export const FINGERPRINT_VERSION = 'v1';
const DECLARATION_PREFIX = 'mission-control';
const TITLE_MAX = CRON_LIMITS.titleMax;
const MESSAGE_MAX = CRON_LIMITS.titleMax + 2 + CRON_LIMITS.instructionsMax;

// ------------------------------------------------------------------------------------------------ the link

/** The declaration key of the job Mission Control keeps for `cronId` (≤ 200 characters, what OpenClaw accepts). */
export function declarationKeyFor(ctx: SyncContext, cronId: string): string {
  if (!/^[a-z0-9]{1,16}$/.test(ctx.instanceTag)) throw new Error('instanceTag must be 1-16 characters a-z0-9');
  return `${DECLARATION_PREFIX}:${ctx.instanceTag}:${cronId}`;
}

/** Reads a Mission Control declaration key: whose instance, which cron; null for any other key. */
export function parseDeclarationKey(key: unknown): { instanceTag: string; cronId: string } | null {
  if (typeof key !== 'string') return null;
  const m = /^mission-control:([a-z0-9]{1,16}):(.{1,120})$/.exec(key);
  return m ? { instanceTag: m[1], cronId: m[2] } : null;
}

// --------------------------------------------------------------------------------------------- fingerprints

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

/** `v1:` + 40 hex characters of SHA-256 over the canonical JSON (keys sorted, undefined left out). */
export function fingerprint(value: unknown): string {
  return `${FINGERPRINT_VERSION}:${createHash('sha256').update(canonical(value)).digest('hex').slice(0, 40)}`;
}

export const sameContent = (a: SyncContent, b: SyncContent) => canonical(a) === canonical(b);
export const sameControls = (a: SyncControls, b: SyncControls) => canonical(a) === canonical(b);

// ------------------------------------------------------------------------------------------- the message

/** The job's message: the title, then a blank line and the instructions when there are any. */
export function composeMessage(title: string, instructions: string): string {
  return instructions.trim() ? `${title}\n\n${instructions}` : title;
}

/**
 * A message back into title and instructions: `title\n\ninstructions` when the first paragraph is a plain title,
 * the whole message as title when it is one short line, else the job's name as title and the message as instructions.
 */
export function splitMessage(message: string, fallbackTitle: string): { title: string; instructions: string } {
  const idx = message.indexOf('\n\n');
  if (idx > 0 && idx <= TITLE_MAX) {
    const head = message.slice(0, idx);
    if (!head.includes('\n') && head.trim() === head) return { title: head, instructions: message.slice(idx + 2) };
  }
  if (message.length <= TITLE_MAX && !message.includes('\n') && message.trim()) return { title: message.trim(), instructions: '' };
  return { title: (fallbackTitle.trim() || 'Gateway job').slice(0, TITLE_MAX), instructions: message };
}

// ------------------------------------------------------------------------------------------- schedules

function parsedOrNull(text: string | null): ParsedSchedule | null {
  if (!text) return null;
  try {
    return parseSchedule(text);
  } catch {
    return null;
  }
}

function contentSchedule(parsed: ParsedSchedule, timezone: string): ContentSchedule {
  switch (parsed.kind) {
    case 'cron':
      return { kind: 'cron', expr: parsed.expression, tz: timezone };
    case 'every':
      return { kind: 'every', everyMs: parsed.intervalMs };
    case 'once':
      return { kind: 'at', atMs: parsed.instant ?? wallToInstant(timezone, parsed.wall!).at };
  }
}

function durationText(ms: number): string {
  let rest = Math.floor(ms / 1000);
  let out = '';
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const q = Math.floor(rest / size);
    rest -= q * size;
    if (q) out += `${q}${unit}`;
  }
  return out;
}

/** A content schedule as Mission Control writes it (`crons.schedule`, `crons.timezone`). */
export function scheduleText(s: ContentSchedule, fallbackTimezone = 'UTC'): { schedule: string; scheduleKind: ScheduleKind; timezone: string } {
  switch (s.kind) {
    case 'cron':
      return { schedule: s.expr, scheduleKind: 'cron', timezone: s.tz };
    case 'every':
      return { schedule: `@every ${durationText(s.everyMs)}`, scheduleKind: 'every', timezone: fallbackTimezone };
    case 'at':
      return { schedule: `@once ${new Date(s.atMs).toISOString()}`, scheduleKind: 'once', timezone: fallbackTimezone };
  }
}

// --------------------------------------------------------------------------------- Mission Control's side

/** The content of a Mission Control cron; null when its schedule does not parse (nothing to send). */
export function contentFromMc(c: McCronForSync): SyncContent | null {
  const parsed = parsedOrNull(c.schedule);
  if (!parsed) return null;
  const t = c.task.timeoutSeconds;
  return {
    name: c.name,
    enabled: c.enabled,
    schedule: contentSchedule(parsed, c.timezone),
    message: composeMessage(c.task.title, c.task.instructions),
    timeoutSeconds: typeof t === 'number' && Number.isFinite(t) && t > 0 ? Math.floor(t) : null,
    agentId: c.gatewayAgentId,
  };
}

export function managedDescription(cronId: string): string {
  return `Managed by Mission Control (cron ${cronId}); edits made here are mirrored back to it.`;
}

/** The controls Mission Control sets on a job it created. */
export function controlsFor(ctx: SyncContext, cronId: string, schedule: ContentSchedule): SyncControls {
  return {
    description: managedDescription(cronId),
    sessionTarget: 'isolated',
    wakeMode: 'now',
    delivery: { mode: 'webhook', to: ctx.deliveryUrl },
    staggerMs: schedule.kind === 'cron' ? 0 : null,
    anchorMs: schedule.kind === 'every' ? 0 : null,
    deleteAfterRun: schedule.kind === 'at' ? false : null,
  };
}

/** Mission Control's fingerprint of a record: its content, plus its controls when Mission Control owns the job. */
export function mcFingerprint(ctx: SyncContext, c: McCronForSync): string {
  if (c.readOnly) return fingerprint({ readOnly: c.readOnlyReason ?? true, name: c.name, schedule: c.schedule, timezone: c.timezone, enabled: c.enabled, agent: c.gatewayAgentId });
  const content = contentFromMc(c);
  if (!content) return fingerprint({ unparsable: c.schedule, name: c.name });
  return fingerprint({ content, controls: c.owner === 'mission_control' ? controlsFor(ctx, c.id, content.schedule) : null });
}

// ------------------------------------------------------------------------------------------ the gateway's side

export type JobView =
  | { kind: 'editable'; content: SyncContent; controls: SyncControls; fingerprint: string; fields: McCronFields }
  | { kind: 'read_only'; reason: ReadOnlyReason; fingerprint: string; fields: McCronFields };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function controlsFromJob(job: OpenClawJob): SyncControls {
  const kind = job.schedule?.kind;
  return {
    description: str(job.description),
    sessionTarget: str(job.sessionTarget),
    wakeMode: str(job.wakeMode),
    delivery: job.delivery && typeof job.delivery === 'object' ? { mode: str(job.delivery.mode), to: str(job.delivery.to) } : null,
    staggerMs: kind === 'cron' ? num(job.schedule.staggerMs) : null,
    anchorMs: kind === 'every' ? num(job.schedule.anchorMs) : null,
    deleteAfterRun: kind === 'at' ? (typeof job.deleteAfterRun === 'boolean' ? job.deleteAfterRun : null) : null,
  };
}

/** The definition of a job, without its run state, for fingerprinting a job Mission Control does not map. */
function definitionOf(job: OpenClawJob) {
  const { name, displayName, description, agentId, enabled, deleteAfterRun, schedule, sessionTarget, wakeMode, payload, delivery, trigger, pacing, declarationKey } = job;
  return { name, displayName, description, agentId, enabled, deleteAfterRun, schedule, sessionTarget, wakeMode, payload, delivery, trigger, pacing, declarationKey };
}

function schedulefromJob(job: OpenClawJob): ContentSchedule | ReadOnlyReason {
  const s = job.schedule ?? {};
  switch (s.kind) {
    case 'cron': {
      const expr = str(s.expr)?.trim().replace(/\s+/g, ' ') ?? '';
      if (!expr || expr.split(' ').length !== 5) return READ_ONLY_REASONS.UNSUPPORTED_SCHEDULE;
      if (!str(s.tz)?.trim()) return READ_ONLY_REASONS.NO_TIMEZONE;
      let tz: string;
      try {
        tz = validateTimezone(s.tz);
      } catch {
        return READ_ONLY_REASONS.UNSUPPORTED_SCHEDULE;
      }
      const parsed = parsedOrNull(expr);
      return parsed?.kind === 'cron' ? { kind: 'cron', expr: parsed.expression, tz } : READ_ONLY_REASONS.UNSUPPORTED_SCHEDULE;
    }
    case 'every': {
      const ms = num(s.everyMs);
      if (ms === null || ms % 1000 !== 0 || ms < EVERY_MIN_MS || ms > EVERY_MAX_MS) return READ_ONLY_REASONS.UNSUPPORTED_SCHEDULE;
      return { kind: 'every', everyMs: ms };
    }
    case 'at': {
      const at = str(s.at);
      const ms = at ? Date.parse(at) : Number.NaN;
      return Number.isFinite(ms) ? { kind: 'at', atMs: ms } : READ_ONLY_REASONS.UNSUPPORTED_SCHEDULE;
    }
    default:
      return READ_ONLY_REASONS.UNSUPPORTED_SCHEDULE;
  }
}

/** Why a job is read-only for this instance, or null when Mission Control can represent and edit it. */
export function readOnlyReason(ctx: SyncContext, job: OpenClawJob): ReadOnlyReason | null {
  if (builtinKind(job)) return READ_ONLY_REASONS.BUILTIN;
  const link = parseDeclarationKey(job.declarationKey);
  if (link && link.instanceTag !== ctx.instanceTag) return READ_ONLY_REASONS.OTHER_INSTANCE;
  const schedule = schedulefromJob(job);
  if (typeof schedule === 'string') return schedule;
  if (job.payload?.kind !== 'agentTurn' || !str(job.payload.message)?.trim() || job.payload.message!.length > MESSAGE_MAX) return READ_ONLY_REASONS.UNSUPPORTED_PAYLOAD;
  if (job.sessionTarget !== undefined && job.sessionTarget !== 'isolated') return READ_ONLY_REASONS.UNSUPPORTED_SESSION;
  if (job.trigger != null || job.pacing != null) return READ_ONLY_REASONS.CONDITIONAL;
  return null;
}

/**
 * How Mission Control sees a gateway job: editable (its content, controls, fingerprint and the fields a cron made from
 * it has) or read-only (why, a fingerprint of its whole definition, display fields). `owner` is the side that owns the
 * definition: for Mission Control's own jobs the controls are part of the fingerprint (a change to them is drift to
 * repair); for jobs created on the gateway the stagger and anchor are (they move the slots missed runs are judged on).
 */
export function jobView(ctx: SyncContext, job: OpenClawJob, owner: CronOwner): JobView {
  const reason = readOnlyReason(ctx, job);
  const label = str(job.displayName) && reason === READ_ONLY_REASONS.BUILTIN ? job.displayName! : (str(job.name) ?? '');
  const name = label.trim().slice(0, CRON_LIMITS.nameMax) || String(job.id);
  if (reason) {
    const s = schedulefromJob(job);
    const text = typeof s === 'string' ? null : scheduleText(s);
    const message = str(job.payload?.message) ?? str(job.payload?.text) ?? '';
    const { title, instructions } = splitMessage(message.slice(0, MESSAGE_MAX), name);
    return {
      kind: 'read_only',
      reason,
      fingerprint: fingerprint({ readOnly: reason, definition: definitionOf(job) }),
      fields: {
        name,
        schedule: text?.schedule ?? null,
        scheduleKind: text?.scheduleKind ?? null,
        timezone: text?.timezone ?? 'UTC',
        enabled: job.enabled !== false,
        task: { title, instructions: instructions.slice(0, CRON_LIMITS.instructionsMax) },
        gatewayAgentId: str(job.agentId),
        readOnly: true,
        readOnlyReason: reason,
      },
    };
  }
  const schedule = schedulefromJob(job) as ContentSchedule;
  const ran = num(job.state?.lastRunAtMs) !== null;
  const timeout = num(job.payload.timeoutSeconds);
  const content: SyncContent = {
    name,
    // A one-shot job disables itself after its run: for Mission Control it stays an enabled cron with nothing left.
    enabled: job.enabled !== false || (schedule.kind === 'at' && ran),
    schedule,
    message: job.payload.message!,
    timeoutSeconds: timeout !== null && timeout > 0 ? Math.floor(timeout) : null,
    agentId: str(job.agentId),
  };
  const controls = controlsFromJob(job);
  const watched = owner === 'mission_control' ? controls : { staggerMs: controls.staggerMs, anchorMs: controls.anchorMs };
  const text = scheduleText(schedule);
  const { title, instructions } = splitMessage(content.message, name);
  return {
    kind: 'editable',
    content,
    controls,
    fingerprint: fingerprint({ content, controls: watched }),
    fields: {
      name,
      ...text,
      enabled: content.enabled,
      task: { title, instructions, ...(content.timeoutSeconds !== null ? { timeoutSeconds: content.timeoutSeconds } : {}) },
      gatewayAgentId: content.agentId,
      readOnly: false,
      readOnlyReason: null,
    },
  };
}

/** The gateway-side fingerprint of a job (what to store as `gateway_fingerprint` after reading or writing it). */
export const gatewayFingerprint = (ctx: SyncContext, job: OpenClawJob, owner: CronOwner) => jobView(ctx, job, owner).fingerprint;

// --------------------------------------------------------------------------------------------- writes

function scheduleParam(s: ContentSchedule): OpenClawJobCreate['schedule'] {
  switch (s.kind) {
    case 'cron':
      return { kind: 'cron', expr: s.expr, tz: s.tz, staggerMs: 0 };
    case 'every':
      return { kind: 'every', everyMs: s.everyMs, anchorMs: 0 };
    case 'at':
      return { kind: 'at', at: new Date(s.atMs).toISOString() };
  }
}

/** The `cron.add` body for a Mission Control cron: content and controls, every field explicit. */
export function jobCreateFor(ctx: SyncContext, cronId: string, content: SyncContent): OpenClawJobCreate {
  const controls = controlsFor(ctx, cronId, content.schedule);
  return {
    name: content.name,
    declarationKey: declarationKeyFor(ctx, cronId),
    description: controls.description!,
    ...(content.agentId ? { agentId: content.agentId } : {}),
    enabled: content.enabled,
    ...(content.schedule.kind === 'at' ? { deleteAfterRun: false } : {}),
    schedule: scheduleParam(content.schedule),
    sessionTarget: 'isolated',
    wakeMode: 'now',
    payload: { kind: 'agentTurn', message: content.message, ...(content.timeoutSeconds !== null ? { timeoutSeconds: content.timeoutSeconds } : {}) },
    delivery: { mode: 'webhook', to: ctx.deliveryUrl },
  };
}

/**
 * The `cron.update` patch that makes the job carry `content` (and, when given, `controls`): only what differs, so a
 * write never touches a field nobody changed. Empty when nothing differs.
 */
export function jobPatchFor(view: { content: SyncContent; controls: SyncControls }, content: SyncContent, controls: SyncControls | null): OpenClawJobPatch {
  const patch: OpenClawJobPatch = {};
  const have = view.content;
  if (have.name !== content.name) patch.name = content.name;
  if (have.enabled !== content.enabled) patch.enabled = content.enabled;
  if ((have.agentId ?? null) !== (content.agentId ?? null) && content.agentId) patch.agentId = content.agentId;
  const wantSchedule = scheduleParam(content.schedule);
  const scheduleDiffers =
    canonical(have.schedule) !== canonical(content.schedule) ||
    (controls !== null && (view.controls.staggerMs !== controls.staggerMs || view.controls.anchorMs !== controls.anchorMs));
  if (scheduleDiffers) patch.schedule = wantSchedule;
  if (have.message !== content.message || have.timeoutSeconds !== content.timeoutSeconds) {
    patch.payload = { kind: 'agentTurn' };
    if (have.message !== content.message) patch.payload.message = content.message;
    if (have.timeoutSeconds !== content.timeoutSeconds) patch.payload.timeoutSeconds = content.timeoutSeconds;
  }
  if (controls) {
    if (view.controls.description !== controls.description) patch.description = controls.description!;
    if (view.controls.sessionTarget !== controls.sessionTarget) patch.sessionTarget = 'isolated';
    if (view.controls.wakeMode !== controls.wakeMode) patch.wakeMode = 'now';
    if (canonical(view.controls.delivery) !== canonical(controls.delivery)) patch.delivery = { mode: 'webhook', to: controls.delivery!.to! };
    if (controls.deleteAfterRun !== null && view.controls.deleteAfterRun !== controls.deleteAfterRun) patch.deleteAfterRun = controls.deleteAfterRun;
  }
  return patch;
}

export const isEmptyPatch = (p: OpenClawJobPatch) => Object.keys(p).length === 0;

/** The part of a record that Mission Control takes from the gateway's `fields`. */
export function recordFieldsOf(f: McCronFields) {
  return {
    name: f.name,
    schedule: f.schedule,
    timezone: f.timezone,
    enabled: f.enabled,
    task: { title: f.task.title, instructions: f.task.instructions, timeoutSeconds: f.task.timeoutSeconds ?? null },
    gatewayAgentId: f.gatewayAgentId,
    readOnly: f.readOnly,
    readOnlyReason: f.readOnlyReason,
  };
}

/** A record as it reads after Mission Control took `fields` from the gateway (for its new fingerprint). */
export function recordWithFields(c: McCronForSync, f: McCronFields): McCronForSync {
  return { ...c, ...recordFieldsOf(f) };
}
