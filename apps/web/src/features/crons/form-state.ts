// The create/edit form of a cron as the inputs hold it (text for numbers and labels), and the request body made
// from it. The server validates everything (schedule, zone, targets, bounds) and answers per field; the form
// only shapes what was typed, so no rule is restated here.
import { splitList } from '../tickets/split-list';
import type { Cron, CronInput } from './types';

export interface TargetDraft {
  workspaceId: string;
  agentId: string;
}

export interface CronDraft {
  name: string;
  schedule: string;
  timezone: string;
  targets: TargetDraft[];
  title: string;
  instructions: string;
  labels: string;
  priority: Cron['task']['priority'];
  createTicket: boolean;
  maxAttempts: string;
  backoff: Cron['retry']['backoff'];
  baseSeconds: string;
  maxSeconds: string;
  concurrency: Cron['concurrency'];
  catchUp: Cron['catchUp'];
  enabled: boolean;
}

export function emptyDraft(timezone: string, target?: TargetDraft): CronDraft {
  return {
    name: '',
    schedule: '0 9 * * 1-5',
    timezone,
    targets: target ? [target] : [],
    title: '',
    instructions: '',
    labels: '',
    priority: 'medium',
    createTicket: true,
    maxAttempts: '1',
    backoff: 'exponential',
    baseSeconds: '',
    maxSeconds: '',
    concurrency: 'skip',
    catchUp: 'once',
    enabled: true,
  };
}

export function draftOf(c: Cron): CronDraft {
  return {
    name: c.name,
    schedule: c.schedule,
    timezone: c.timezone,
    targets: c.targets.map((t) => ({ workspaceId: t.workspaceId, agentId: t.agentId })),
    title: c.task.title,
    instructions: c.task.instructions ?? '',
    labels: (c.task.labels ?? []).join(', '),
    priority: c.task.priority ?? 'medium',
    createTicket: c.task.createTicket ?? true,
    maxAttempts: String(c.retry.maxAttempts),
    backoff: c.retry.backoff,
    baseSeconds: String(c.retry.baseSeconds),
    maxSeconds: String(c.retry.maxSeconds),
    concurrency: c.concurrency,
    catchUp: c.catchUp,
    enabled: c.enabled,
  };
}

/** A number field: empty → left out (the server's default); anything else is sent as typed, for the server to judge. */
function num(text: string): number | undefined {
  const t = text.trim();
  return t === '' ? undefined : Number(t);
}

export function bodyOf(d: CronDraft): CronInput {
  return {
    name: d.name.trim(),
    schedule: d.schedule.trim(),
    timezone: d.timezone,
    // Sent as the rows stand, so that the server's issues (`targets.1.agentId`) name the row on screen.
    targets: d.targets.map((t) => ({ workspaceId: t.workspaceId, agentId: t.agentId })),
    task: {
      title: d.title.trim(),
      instructions: d.instructions,
      labels: splitList(d.labels),
      priority: d.priority,
      createTicket: d.createTicket,
    },
    // The waits left empty are left out: the server fills in its defaults (the generated type marks them required
    // because they have defaults).
    retry: {
      maxAttempts: num(d.maxAttempts) ?? 1,
      backoff: d.backoff,
      ...(num(d.baseSeconds) !== undefined ? { baseSeconds: num(d.baseSeconds) } : {}),
      ...(num(d.maxSeconds) !== undefined ? { maxSeconds: num(d.maxSeconds) } : {}),
    } as CronInput['retry'],
    concurrency: d.concurrency,
    catchUp: d.catchUp,
    enabled: d.enabled,
  };
}

/** Which input holds each body field the server may name in a refusal (`task.title` is the title input). */
export const INPUT_OF: Record<string, keyof CronDraft> = {
  name: 'name',
  schedule: 'schedule',
  timezone: 'timezone',
  'task.title': 'title',
  'task.instructions': 'instructions',
  'task.labels': 'labels',
  'task.priority': 'priority',
  'task.createTicket': 'createTicket',
  'retry.maxAttempts': 'maxAttempts',
  'retry.backoff': 'backoff',
  'retry.baseSeconds': 'baseSeconds',
  'retry.maxSeconds': 'maxSeconds',
  concurrency: 'concurrency',
  catchUp: 'catchUp',
  enabled: 'enabled',
};

/** The fields whose messages sit beside their inputs (the form's alert does not repeat them). */
export function fieldsShownInline(issues: { field: string }[]): string[] {
  return [...Object.keys(INPUT_OF), 'targets', ...issues.map((i) => i.field).filter((f) => f.startsWith('targets.'))];
}

/** Every issue about the targets (`targets`, `targets.1.agentId`…), as one message per row or for the whole list. */
export function targetErrors(issues: { field: string; message: string }[]): { list?: string; rows: Map<number, string> } {
  const rows = new Map<number, string>();
  let list: string | undefined;
  for (const i of issues) {
    const m = /^targets\.(\d+)(?:\.|$)/.exec(i.field);
    if (m) rows.set(Number(m[1]), rows.get(Number(m[1])) ?? i.message);
    else if (i.field === 'targets') list ??= i.message;
  }
  return { list, rows };
}
