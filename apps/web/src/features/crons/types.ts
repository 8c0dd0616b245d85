// PROVISIONAL until h/crons lands: the shapes of the crons contract as API.md and issue 14 describe them. Replaced
// by the generated Schemas['Cron'] etc. once the contract is merged.
export type CronStatus = 'active' | 'paused' | 'failing';
export type CronOwner = 'mission_control' | 'gateway';
export type RunStatus = 'pending' | 'running' | 'success' | 'failed' | 'skipped' | 'missed';

export interface CronTarget {
  workspaceId: string;
  agentId: string;
  agentName: string | null;
  agentStatus: string | null;
}

export interface CronTask {
  title: string;
  instructions: string;
  labels: string[];
  priority: 'urgent' | 'high' | 'medium' | 'low';
  createTicket: boolean;
}

export interface CronRetry {
  maxAttempts: number;
  backoff: 'exponential' | 'fixed';
  baseSeconds: number;
  maxSeconds: number;
}

export interface Cron {
  id: string;
  name: string;
  schedule: string;
  timezone: string;
  description: string;
  nextRuns: string[];
  status: CronStatus;
  owner: CronOwner;
  enabled: boolean;
  targets: CronTarget[];
  hiddenTargets: number;
  task: CronTask;
  retry: CronRetry;
  concurrency: 'skip' | 'queue_one' | 'allow';
  catchUp: 'once' | 'skip';
  lastRun: { status: string; at: string } | null;
  successRate: number | null;
  pausedReason: string | null;
  can: { edit: boolean; delete: boolean; run: boolean };
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CronRunAttempt {
  attempt: number;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  error: string | null;
  executionId: string | null;
  ticketId: string | null;
}

export interface CronRun {
  id: string;
  cronId: string;
  slot: string;
  trigger: 'schedule' | 'manual' | 'catch_up';
  targetAgentId: string;
  chargedWorkspaceId: string;
  startTime: string | null;
  endTime: string | null;
  durationMs: number | null;
  status: RunStatus;
  reason: string | null;
  attempt: number;
  attempts: CronRunAttempt[];
  output: string | null;
  ticketIds: string[];
  tokensIn: number;
  tokensOut: number;
  costUsd: string;
}

export interface CronRunNow {
  runs: CronRun[];
  skipped: { workspaceId: string; agentId: string; reason: string }[];
}

export interface CronPreview {
  description: string;
  nextRuns: string[];
}

export type CronInput = Pick<Cron, 'name' | 'schedule' | 'timezone' | 'task' | 'concurrency' | 'catchUp' | 'enabled'> & {
  targets: { workspaceId: string; agentId: string }[];
  retry: { maxAttempts: number; backoff: CronRetry['backoff']; baseSeconds?: number; maxSeconds?: number };
};
