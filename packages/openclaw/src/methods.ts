// Typed helpers for the gateway methods Mission Control uses (shapes as of openclaw 2026.9.6). Result types name the
// fields we read and keep the rest open: the gateway adds fields between releases.
import type { RequestOptions } from './client';

export interface GatewayRequester {
  request<T = unknown>(method: string, params?: unknown, opts?: RequestOptions): Promise<T>;
}

type Open = { [k: string]: unknown };

export interface GatewayAgentInfo extends Open {
  id: string;
  name?: string;
  model?: unknown;
}

export interface AgentsListResult extends Open {
  defaultId?: string;
  agents: GatewayAgentInfo[];
}

export interface AgentParams extends Open {
  message: string;
  agentId?: string;
  sessionKey?: string;
  /** required by the gateway: it becomes the runId; the same key again does not start a second run */
  idempotencyKey: string;
  /** send the reply to a channel (false for Mission Control dispatch) */
  deliver?: boolean;
  /** seconds */
  timeout?: number;
  extraSystemPrompt?: string;
}

export interface AgentAccepted extends Open {
  runId: string;
  /** "accepted" for a new run; "in_flight" (or a final status) for a repeated idempotencyKey */
  status: string;
}

export interface AgentWaitResult extends Open {
  status: 'ok' | 'error' | 'timeout' | string;
  runId?: string;
  terminalReply?: { text?: string; [k: string]: unknown };
  error?: unknown;
}

export type CronSchedule =
  | { kind: 'cron'; expr: string; tz?: string }
  | { kind: 'every'; everyMs: number; anchorMs?: number }
  | { kind: 'at'; at: string }
  | ({ kind: string } & Open);

export type CronDelivery = { mode: 'none' } | { mode: 'webhook'; to: string } | ({ mode: string } & Open);

export interface CronJobInput extends Open {
  name: string;
  agentId?: string;
  enabled?: boolean;
  description?: string;
  schedule: CronSchedule;
  sessionTarget: string;
  wakeMode: string;
  payload: { kind: 'agentTurn'; message: string; timeoutSeconds?: number } | ({ kind: string } & Open);
  /** always send it: when omitted the gateway defaults to "announce", which has no route and fails */
  delivery: CronDelivery;
  declarationKey?: string;
}

export interface CronJob extends Open {
  id: string;
  name: string;
  agentId?: string;
  enabled?: boolean;
  schedule?: CronSchedule;
  delivery?: CronDelivery;
  declarationKey?: string;
}

export interface CronListParams extends Open {
  includeDisabled?: boolean;
  /** 1..200 */
  limit?: number;
  offset?: number;
  query?: string;
}

export interface CronListResult extends Open {
  jobs: CronJob[];
  total?: number;
  hasMore?: boolean;
  nextOffset?: number | null;
}

export interface CronRunsParams extends Open {
  scope?: 'job' | 'all';
  id?: string;
  limit?: number;
  offset?: number;
}

export interface CronRunEntry extends Open {
  jobId?: string;
  runId?: string;
  status?: string;
  summary?: string;
  durationMs?: number;
  usage?: unknown;
}

export interface CronRunsResult extends Open {
  entries: CronRunEntry[];
}

export interface ConfigGetResult extends Open {
  /** the authored config as stored */
  config?: unknown;
  /** opaque hash of the stored bytes: pass it as baseHash to config.patch */
  hash?: string;
}

export interface ConfigPatchParams extends Open {
  /** JSON5 text of the partial config to merge */
  raw: string;
  baseHash?: string;
  note?: string;
  replacePaths?: string[];
}

export interface ChatHistoryParams extends Open {
  sessionKey: string;
  agentId?: string;
  limit?: number;
  cursor?: string;
}

/** Rate-limited control-plane writes (30 per 60 s per method): give them room to honour retryAfterMs. */
const WRITE_TIMEOUT_MS = 75_000;

function writeOpts(opts?: RequestOptions): RequestOptions {
  return { timeoutMs: WRITE_TIMEOUT_MS, ...opts };
}

export class OpenClawApi {
  constructor(private readonly gw: GatewayRequester) {}

  health(opts?: RequestOptions): Promise<Open> {
    return this.gw.request('health', {}, opts);
  }

  agentsList(opts?: RequestOptions): Promise<AgentsListResult> {
    return this.gw.request('agents.list', {}, opts);
  }

  /** Starts a run and returns at once ({runId, status:"accepted"}); collect the result with agentWait or events. */
  agent(params: AgentParams, opts?: RequestOptions): Promise<AgentAccepted> {
    return this.gw.request('agent', { deliver: false, ...params }, opts);
  }

  /**
   * Waits on the gateway for a run to end (status ok | error | timeout). The request's own timeout is the wait plus
   * a margin; note the gateway can take over a minute to report a model failure whatever timeoutMs says.
   */
  agentWait(params: { runId: string; timeoutMs: number }, opts?: RequestOptions): Promise<AgentWaitResult> {
    return this.gw.request('agent.wait', params, { timeoutMs: params.timeoutMs + 10_000, ...opts });
  }

  cronList(params: CronListParams = {}, opts?: RequestOptions): Promise<CronListResult> {
    return this.gw.request('cron.list', params, opts);
  }

  /** Every job, following pages (limit 200 each). */
  async cronListAll(params: Omit<CronListParams, 'limit' | 'offset'> = {}, opts?: RequestOptions): Promise<CronJob[]> {
    const jobs: CronJob[] = [];
    let offset = 0;
    for (let page = 0; page < 1_000; page++) {
      const r = await this.cronList({ ...params, limit: 200, offset }, opts);
      jobs.push(...r.jobs);
      if (!r.hasMore || r.jobs.length === 0) break;
      offset = typeof r.nextOffset === 'number' ? r.nextOffset : offset + r.jobs.length;
    }
    return jobs;
  }

  cronGet(id: string, opts?: RequestOptions): Promise<CronJob> {
    return this.gw.request<{ job?: CronJob } & CronJob>('cron.get', { id }, opts).then((r) => (r.job ?? r) as CronJob);
  }

  cronStatus(opts?: RequestOptions): Promise<Open> {
    return this.gw.request('cron.status', {}, opts);
  }

  /** Adds a job (admin scope; rate-limited). Returns the job as stored. */
  cronAdd(job: CronJobInput, opts?: RequestOptions): Promise<CronJob> {
    return this.gw.request<{ job?: CronJob } & CronJob>('cron.add', job, writeOpts(opts)).then((r) => (r.job ?? r) as CronJob);
  }

  cronUpdate(id: string, patch: Partial<CronJobInput>, opts?: RequestOptions): Promise<CronJob> {
    return this.gw
      .request<{ job?: CronJob } & CronJob>('cron.update', { id, patch }, writeOpts(opts))
      .then((r) => (r.job ?? r) as CronJob);
  }

  cronRemove(id: string, opts?: RequestOptions): Promise<Open> {
    return this.gw.request('cron.remove', { id }, writeOpts(opts));
  }

  cronRun(id: string, mode: 'force' | 'if-enabled' | 'due' = 'force', opts?: RequestOptions): Promise<Open> {
    return this.gw.request('cron.run', { id, mode }, writeOpts(opts));
  }

  cronRuns(params: CronRunsParams, opts?: RequestOptions): Promise<CronRunsResult> {
    return this.gw.request('cron.runs', params, opts);
  }

  configGet(opts?: RequestOptions): Promise<ConfigGetResult> {
    return this.gw.request('config.get', {}, opts);
  }

  configPatch(params: ConfigPatchParams, opts?: RequestOptions): Promise<Open> {
    return this.gw.request('config.patch', params, writeOpts(opts));
  }

  chatHistory(params: ChatHistoryParams, opts?: RequestOptions): Promise<Open> {
    return this.gw.request('chat.history', params, opts);
  }
}
