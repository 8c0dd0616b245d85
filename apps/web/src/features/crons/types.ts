// The crons contract as the dashboard reads it: the generated types of @mc/client (from the OpenAPI document).
import type { BodyOf, Schemas } from '@/src/data/client';

export type Cron = Schemas['Cron'];
export type CronStatus = Cron['status'];
export type CronOwner = Cron['owner'];
export type CronTarget = Schemas['CronTarget'];
export type CronRun = Schemas['CronRun'];
export type RunStatus = CronRun['status'];
export type CronRunAttempt = Schemas['CronRunAttempt'];
export type CronRunNow = Schemas['CronRunNow'];
export type CronPreview = Schemas['CronPreview'];
export type CronInput = BodyOf<'/crons', 'post'>;
export type CronPatch = BodyOf<'/crons/{id}', 'patch'>;
