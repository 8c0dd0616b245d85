// Crons: scheduled jobs whose targets are agents in one or several workspaces (issue 14), their runs, "run now"
// and the schedule preview. Who may do what: packages/core/src/crons/crons.rules.ts.
import {
  CRON_OWNER_VALUES,
  CRON_RUN_STATUS_VALUES,
  CRON_STATUS_VALUES,
  listQuery,
  ZCreateCronRequest,
  ZCron,
  ZCronPreview,
  ZCronPreviewRequest,
  ZCronRun,
  ZCronRunNow,
  ZTotalMode,
  ZUpdateCronRequest,
  z,
} from '@mc/contracts';
import { createCron, CRON_RUN_SORT_FIELDS, CRON_SORT_FIELDS, deleteCron, findCronRuns, findCrons, getCron, previewSchedule, runCronNow, updateCron } from '@mc/core';
import type { RouteBuilder } from '../http';

const ZCronParam = z.object({ id: z.string().min(1).max(64).openapi({ description: 'Cron id (`crn_…`)' }) });

const ZFindCronsQuery = listQuery(CRON_SORT_FIELDS, '-createdAt').extend({
  workspaceId: z.string().max(64).optional().openapi({ description: 'Workspace id or slug: crons with a target there' }),
  agentId: z.string().max(64).optional().openapi({ description: 'Crons that target this agent' }),
  status: z.enum(CRON_STATUS_VALUES).optional(),
  owner: z.enum(CRON_OWNER_VALUES).optional(),
  total: ZTotalMode,
});

const ZFindCronRunsQuery = listQuery(CRON_RUN_SORT_FIELDS, '-slot').extend({
  status: z.enum(CRON_RUN_STATUS_VALUES).optional(),
  agentId: z.string().max(64).optional().openapi({ description: 'Runs of this target' }),
  total: ZTotalMode,
});

export function registerCronRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/crons',
    operationId: 'listCrons',
    summary: 'Crons across every workspace you can see (an agent: those targeting its workspace)',
    description: 'A cron shows when one of its targets is in a workspace you can see; targets elsewhere are left out and counted in `hiddenTargets`.',
    tags: ['Crons'],
    auth: 'any',
    query: ZFindCronsQuery,
    response: ZCron,
    list: true,
    handler: ({ ctx, query }) => findCrons(ctx, query),
  });

  r.define({
    method: 'post',
    path: '/api/v1/crons',
    operationId: 'createCron',
    summary: 'Create a cron (admin in every targeted workspace)',
    tags: ['Crons'],
    auth: 'user',
    body: ZCreateCronRequest,
    response: ZCron,
    status: 201,
    idempotent: true,
    handler: ({ ctx, body }) => createCron(ctx, body),
  });

  r.define({
    method: 'post',
    path: '/api/v1/crons/preview',
    operationId: 'previewCronSchedule',
    summary: 'What a schedule means: its description and next runs (nothing is saved)',
    tags: ['Crons'],
    auth: 'any',
    body: ZCronPreviewRequest,
    response: ZCronPreview,
    status: 200,
    handler: async ({ ctx, body }) => previewSchedule(ctx, body),
  });

  r.define({
    method: 'get',
    path: '/api/v1/crons/{id}',
    operationId: 'getCron',
    summary: 'One cron, with its next runs, status, last run and what you may do with it',
    tags: ['Crons'],
    auth: 'any',
    params: ZCronParam,
    response: ZCron,
    handler: ({ ctx, params }) => getCron(ctx, params.id),
  });

  r.define({
    method: 'patch',
    path: '/api/v1/crons/{id}',
    operationId: 'updateCron',
    summary: 'Change a cron; pause (enabled: false) or resume it (admin in every targeted workspace)',
    tags: ['Crons'],
    auth: 'user',
    params: ZCronParam,
    body: ZUpdateCronRequest,
    response: ZCron,
    handler: ({ ctx, params, body, ifMatch }) => updateCron(ctx, params.id, { ...body, version: body.version ?? ifMatch }),
  });

  r.define({
    method: 'delete',
    path: '/api/v1/crons/{id}',
    operationId: 'deleteCron',
    summary: 'Delete a cron and its runs (admin in every targeted workspace)',
    tags: ['Crons'],
    auth: 'user',
    params: ZCronParam,
    response: ZCron,
    handler: ({ ctx, params }) => deleteCron(ctx, params.id),
  });

  r.define({
    method: 'post',
    path: '/api/v1/crons/{id}/run',
    operationId: 'runCronNow',
    summary: 'Run now: one pending run per runnable target, taken by the scheduler at once',
    tags: ['Crons'],
    auth: 'user',
    params: ZCronParam,
    response: ZCronRunNow,
    status: 202,
    handler: ({ ctx, params }) => runCronNow(ctx, params.id),
  });

  r.define({
    method: 'get',
    path: '/api/v1/crons/{id}/runs',
    operationId: 'listCronRuns',
    summary: 'Runs of a cron, newest first: one per slot and target, attempts inside, tokens and cost from its executions',
    tags: ['Crons'],
    auth: 'any',
    params: ZCronParam,
    query: ZFindCronRunsQuery,
    response: ZCronRun,
    list: true,
    handler: ({ ctx, params, query }) => findCronRuns(ctx, params.id, query),
  });
}
