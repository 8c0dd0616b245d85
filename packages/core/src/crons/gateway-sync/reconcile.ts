// The reconcile planner (ADR 0020): from Mission Control's records for one gateway and the gateway's full job list
// (every page of `cron.list {includeDisabled: true}`), the actions that bring the two into agreement. Pure: no I/O,
// no clock. Each side is judged against its own fingerprint from the last sync:
//
//   Mission Control changed │ gateway changed │ action
//   ────────────────────────┼─────────────────┼──────────────────────────────────────────────────────────────
//   no                      │ no              │ none (mark_synced if the record was left pending/error)
//   yes                     │ no              │ update_gateway
//   no                      │ yes             │ update_mc (and update_gateway to repair Mission Control's controls)
//   yes                     │ yes             │ mark_synced when both made the same edit, else report_conflict
//                           │                 │ (once; an admin resolves it: `resolveConflict`)
//   no                      │ deleted         │ remove_from_mc          yes │ deleted │ report_conflict
//   deleted (our key left)  │ —               │ remove_from_gateway
//   never synced            │ —               │ add_to_gateway (cron.add with the declaration key: converges, never
//                           │                 │ duplicates, also after a crash between the write and recording it)
//   — (unknown job)         │ —               │ import_to_mc (owner gateway; read-only when built-in/unrepresentable)
//
// Read-only jobs are never written to. Applying the plan (and recording the fingerprints each action carries, or for
// gateway writes the one of the job the gateway answers with) and planning again gives no actions.
import type { OpenClawJob, OpenClawJobCreate, OpenClawJobPatch } from './openclaw-job';
import {
  contentFromMc,
  controlsFor,
  FINGERPRINT_VERSION,
  isEmptyPatch,
  jobCreateFor,
  jobPatchFor,
  jobView,
  mcFingerprint,
  parseDeclarationKey,
  recordWithFields,
  sameContent,
  sameControls,
  scheduleText,
  splitMessage,
  type McCronFields,
  type McCronForSync,
  type SyncContent,
  type SyncContext,
} from './mapping';

export type ConflictKind = 'changed_on_both_sides' | 'changed_here_deleted_there' | 'duplicate_link';

export type SyncAction =
  /** `cron.add` (declaration-keyed): then record the returned job's id and fingerprint. */
  | { type: 'add_to_gateway'; cronId: string; params: OpenClawJobCreate; syncFingerprint: string }
  /** `cron.update {id, patch}`: then record the returned job's fingerprint. */
  | { type: 'update_gateway'; cronId: string; jobId: string; patch: OpenClawJobPatch; reason: 'mission_control_changed' | 'repair_controls' | 'first_link' | 'conflict_resolved'; syncFingerprint: string }
  /** `cron.remove {id}`: the cron was deleted in Mission Control. */
  | { type: 'remove_from_gateway'; jobId: string; cronId: string; reason: 'deleted_in_mission_control' }
  /** Create a cron (owner gateway) linked to the job. */
  | { type: 'import_to_mc'; jobId: string; fields: McCronFields; syncFingerprint: string; gatewayFingerprint: string }
  /** Write `fields` on the cron (they include the ones that did not change). */
  | { type: 'update_mc'; cronId: string; jobId: string; fields: McCronFields; changed: string[]; syncFingerprint: string; gatewayFingerprint: string }
  /** The job is gone from the gateway and the cron did not change since: delete the cron. */
  | { type: 'remove_from_mc'; cronId: string; jobId: string | null; reason: 'removed_on_gateway' }
  /** Nothing to write; record the fingerprints (and the job id) and set sync_state ok. */
  | { type: 'mark_synced'; cronId: string; jobId: string; syncFingerprint: string; gatewayFingerprint: string }
  /** Set sync_state conflict with the detail; write nothing on either side. */
  | { type: 'report_conflict'; cronId: string; jobId: string | null; kind: ConflictKind; detail: string };

export interface ReconcileInput {
  ctx: SyncContext;
  /** Mission Control's crons linked to this gateway (gateway_id = it), including the ones waiting for their first add. */
  records: readonly McCronForSync[];
  /** Every job of the gateway (all pages of `cron.list` with `includeDisabled: true`). */
  jobs: readonly OpenClawJob[];
}

export interface ReconcilePlan {
  actions: SyncAction[];
  /** Crons already in agreement. */
  inSync: string[];
  /** Read-only jobs left as they are (already mirrored, unchanged). */
  readOnly: string[];
}

const fingerprintKnown = (fp: string | null) => typeof fp === 'string' && fp.startsWith(`${FINGERPRINT_VERSION}:`);

/** Fields for the cron from the gateway's content, keeping what Mission Control wrote where the content is the same. */
function mergedFields(record: McCronForSync, mc: SyncContent | null, gw: SyncContent, gwFields: McCronFields): { fields: McCronFields; changed: string[] } {
  const sameSchedule = mc !== null && JSON.stringify(mc.schedule) === JSON.stringify(gw.schedule);
  const sameMessage = mc !== null && mc.message === gw.message;
  const fields: McCronFields = {
    name: record.name === gw.name ? record.name : gw.name,
    ...(sameSchedule && record.schedule
      ? { schedule: record.schedule, scheduleKind: gwFields.scheduleKind, timezone: record.timezone }
      : gw.schedule.kind === 'cron'
        ? scheduleText(gw.schedule)
        : scheduleText(gw.schedule, record.timezone)),
    enabled: gw.enabled,
    task: {
      ...(sameMessage ? { title: record.task.title, instructions: record.task.instructions } : splitMessage(gw.message, gw.name)),
      ...(gw.timeoutSeconds !== null ? { timeoutSeconds: gw.timeoutSeconds } : {}),
    },
    gatewayAgentId: gw.agentId,
    readOnly: false,
    readOnlyReason: null,
  };
  return { fields, changed: changedFields(record, fields) };
}

/** Which of the cron's fields `fields` changes (for the activity entry of an update). */
function changedFields(record: McCronForSync, f: McCronFields): string[] {
  const out: string[] = [];
  if (record.name !== f.name) out.push('name');
  if (record.schedule !== f.schedule || record.timezone !== f.timezone) out.push('schedule');
  if (record.enabled !== f.enabled) out.push('enabled');
  if (record.task.title !== f.task.title || record.task.instructions !== f.task.instructions) out.push('task');
  if ((record.task.timeoutSeconds ?? null) !== (f.task.timeoutSeconds ?? null)) out.push('timeoutSeconds');
  if ((record.gatewayAgentId ?? null) !== (f.gatewayAgentId ?? null)) out.push('agent');
  if (record.readOnly !== f.readOnly || (record.readOnlyReason ?? null) !== f.readOnlyReason) out.push('readOnly');
  return out;
}

function planRecord(ctx: SyncContext, record: McCronForSync, job: OpenClawJob | undefined, out: ReconcilePlan): void {
  const actions = out.actions;
  const conflict = (kind: ConflictKind, detail: string, jobId: string | null) => {
    if (record.syncState !== 'conflict') actions.push({ type: 'report_conflict', cronId: record.id, jobId, kind, detail });
  };
  const mcFp = mcFingerprint(ctx, record);
  const known = fingerprintKnown(record.syncFingerprint) && fingerprintKnown(record.gatewayFingerprint);
  const mcChanged = !record.readOnly && mcFp !== record.syncFingerprint;

  if (!job) {
    if (!record.gatewayFingerprint && record.owner === 'mission_control' && !record.readOnly) {
      const content = contentFromMc(record);
      if (content) actions.push({ type: 'add_to_gateway', cronId: record.id, params: jobCreateFor(ctx, record.id, content), syncFingerprint: mcFp });
      return;
    }
    if (known && mcChanged && record.resolveConflict !== 'gateway') {
      if (record.resolveConflict === 'mission_control' && record.owner === 'mission_control') {
        const content = contentFromMc(record);
        if (content) actions.push({ type: 'add_to_gateway', cronId: record.id, params: jobCreateFor(ctx, record.id, content), syncFingerprint: mcFp });
        return;
      }
      conflict('changed_here_deleted_there', 'the cron was edited in Mission Control, and its job was removed from the gateway', record.gatewayJobId);
      return;
    }
    actions.push({ type: 'remove_from_mc', cronId: record.id, jobId: record.gatewayJobId, reason: 'removed_on_gateway' });
    return;
  }

  const view = jobView(ctx, job, record.owner);
  const gwChanged = view.fingerprint !== record.gatewayFingerprint;

  if (view.kind === 'read_only') {
    if (record.readOnly && !gwChanged && record.gatewayJobId === job.id) {
      if (record.syncState !== 'ok') actions.push({ type: 'mark_synced', cronId: record.id, jobId: job.id, syncFingerprint: mcFp, gatewayFingerprint: view.fingerprint });
      else out.readOnly.push(job.id);
      return;
    }
    if (known && mcChanged && !record.readOnly && record.resolveConflict !== 'gateway') {
      conflict('changed_on_both_sides', `the cron was edited in Mission Control, and the job became one Mission Control cannot edit (${view.reason})`, job.id);
      return;
    }
    const fields = view.fields;
    actions.push({ type: 'update_mc', cronId: record.id, jobId: job.id, fields, changed: changedFields(record, fields), syncFingerprint: mcFingerprint(ctx, recordWithFields(record, fields)), gatewayFingerprint: view.fingerprint });
    return;
  }

  const mcContent = contentFromMc(record);
  const controls = record.owner === 'mission_control' && mcContent ? controlsFor(ctx, record.id, mcContent.schedule) : null;
  const controlsDrift = controls !== null && !sameControls(view.controls, controls);
  const pushGateway = (reason: Extract<SyncAction, { type: 'update_gateway' }>['reason']) => {
    const patch = jobPatchFor(view, mcContent!, controls);
    if (isEmptyPatch(patch)) actions.push({ type: 'mark_synced', cronId: record.id, jobId: job.id, syncFingerprint: mcFp, gatewayFingerprint: view.fingerprint });
    else actions.push({ type: 'update_gateway', cronId: record.id, jobId: job.id, patch, reason, syncFingerprint: mcFp });
  };
  const pullMc = () => {
    const { fields, changed } = mergedFields(record, mcContent, view.content, view.fields);
    const syncFingerprint = mcFingerprint(ctx, recordWithFields(record, fields));
    actions.push({ type: 'update_mc', cronId: record.id, jobId: job.id, fields, changed, syncFingerprint, gatewayFingerprint: view.fingerprint });
    if (controls) {
      // Mission Control's controls drifted too: put them back in the same pass (content is the gateway's now).
      const repair = jobPatchFor(view, view.content, controlsFor(ctx, record.id, view.content.schedule));
      if (!isEmptyPatch(repair)) actions.push({ type: 'update_gateway', cronId: record.id, jobId: job.id, patch: repair, reason: 'repair_controls', syncFingerprint });
    }
  };

  if (record.readOnly || !mcContent) {
    // Was read-only (or unparsable here) and the gateway now has a job Mission Control can edit: take it.
    pullMc();
    return;
  }
  if (!known) {
    // First link (a pending add that the gateway already holds, or fingerprints from another mapping version).
    if (sameContent(mcContent, view.content)) {
      if (controlsDrift) pushGateway('repair_controls');
      else actions.push({ type: 'mark_synced', cronId: record.id, jobId: job.id, syncFingerprint: mcFp, gatewayFingerprint: view.fingerprint });
    } else if (record.owner === 'mission_control') pushGateway('first_link');
    else pullMc();
    return;
  }
  if (!mcChanged && !gwChanged) {
    if (record.syncState !== 'ok' || record.gatewayJobId !== job.id) actions.push({ type: 'mark_synced', cronId: record.id, jobId: job.id, syncFingerprint: mcFp, gatewayFingerprint: view.fingerprint });
    else out.inSync.push(record.id);
    return;
  }
  if (mcChanged && !gwChanged) return pushGateway('mission_control_changed');
  if (!mcChanged && gwChanged) {
    if (sameContent(mcContent, view.content)) {
      if (controlsDrift) pushGateway('repair_controls');
      else actions.push({ type: 'mark_synced', cronId: record.id, jobId: job.id, syncFingerprint: mcFp, gatewayFingerprint: view.fingerprint });
      return;
    }
    return pullMc();
  }
  // Changed on both sides.
  if (sameContent(mcContent, view.content)) {
    if (controlsDrift) pushGateway('repair_controls');
    else actions.push({ type: 'mark_synced', cronId: record.id, jobId: job.id, syncFingerprint: mcFp, gatewayFingerprint: view.fingerprint });
    return;
  }
  if (record.resolveConflict === 'mission_control') return pushGateway('conflict_resolved');
  if (record.resolveConflict === 'gateway') return pullMc();
  conflict('changed_on_both_sides', 'the cron was edited in Mission Control and its job on the gateway since the last sync', job.id);
}

/** Plan one gateway's sync. */
export function planReconcile(input: ReconcileInput): ReconcilePlan {
  const { ctx } = input;
  const out: ReconcilePlan = { actions: [], inSync: [], readOnly: [] };
  const byId = new Map(input.jobs.map((j) => [j.id, j]));
  const byCron = new Map<string, OpenClawJob[]>();
  for (const j of input.jobs) {
    const link = parseDeclarationKey(j.declarationKey);
    if (link && link.instanceTag === ctx.instanceTag) (byCron.get(link.cronId) ?? byCron.set(link.cronId, []).get(link.cronId)!).push(j);
  }
  const claimed = new Set<string>();
  const recordIds = new Set(input.records.map((r) => r.id));
  for (const record of input.records) {
    let job = record.gatewayJobId ? byId.get(record.gatewayJobId) : undefined;
    const keyed = record.owner === 'mission_control' ? (byCron.get(record.id) ?? []) : [];
    if (!job && keyed.length > 1) {
      for (const j of keyed) claimed.add(j.id);
      if (record.syncState !== 'conflict')
        out.actions.push({ type: 'report_conflict', cronId: record.id, jobId: null, kind: 'duplicate_link', detail: `${keyed.length} gateway jobs carry this cron's declaration key: ${keyed.map((j) => j.id).join(', ')}` });
      continue;
    }
    job ??= keyed[0];
    if (job && claimed.has(job.id)) {
      if (record.syncState !== 'conflict') out.actions.push({ type: 'report_conflict', cronId: record.id, jobId: job.id, kind: 'duplicate_link', detail: `gateway job ${job.id} is linked to another cron too` });
      continue;
    }
    if (job) claimed.add(job.id);
    planRecord(ctx, record, job, out);
  }
  for (const job of input.jobs) {
    if (claimed.has(job.id)) continue;
    const link = parseDeclarationKey(job.declarationKey);
    if (link && link.instanceTag === ctx.instanceTag) {
      // Ours, and no cron holds it: the cron was deleted in Mission Control (or a duplicate of one that is linked).
      if (!recordIds.has(link.cronId)) out.actions.push({ type: 'remove_from_gateway', jobId: job.id, cronId: link.cronId, reason: 'deleted_in_mission_control' });
      continue;
    }
    const view = jobView(ctx, job, 'gateway');
    const blank: McCronForSync = {
      id: '',
      owner: 'gateway',
      name: '',
      schedule: null,
      timezone: 'UTC',
      enabled: false,
      task: { title: '', instructions: '' },
      gatewayAgentId: null,
      gatewayJobId: job.id,
      readOnly: false,
      syncState: null,
      syncFingerprint: null,
      gatewayFingerprint: null,
    };
    out.actions.push({ type: 'import_to_mc', jobId: job.id, fields: view.fields, syncFingerprint: mcFingerprint(ctx, recordWithFields(blank, view.fields)), gatewayFingerprint: view.fingerprint });
  }
  return out;
}

/** A gateway write of a plan, in the shape the write scheduler runs (`method` + `params`), with its action. */
export type GatewayWrite =
  | { method: 'cron.add'; params: OpenClawJobCreate; action: Extract<SyncAction, { type: 'add_to_gateway' }> }
  | { method: 'cron.update'; params: { id: string; patch: OpenClawJobPatch }; action: Extract<SyncAction, { type: 'update_gateway' }> }
  | { method: 'cron.remove'; params: { id: string }; action: Extract<SyncAction, { type: 'remove_from_gateway' }> };

/** The plan's gateway writes, in plan order (Mission Control-side actions are left out). */
export function gatewayWrites(actions: readonly SyncAction[]): GatewayWrite[] {
  const out: GatewayWrite[] = [];
  for (const a of actions) {
    if (a.type === 'add_to_gateway') out.push({ method: 'cron.add', params: a.params, action: a });
    else if (a.type === 'update_gateway') out.push({ method: 'cron.update', params: { id: a.jobId, patch: a.patch }, action: a });
    else if (a.type === 'remove_from_gateway') out.push({ method: 'cron.remove', params: { id: a.jobId }, action: a });
  }
  return out;
}
