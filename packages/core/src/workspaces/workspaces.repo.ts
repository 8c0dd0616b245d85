import { settings, workspaces } from '@mc/db';
import { eq, sql } from 'drizzle-orm';
import { SETTING } from '../settings/settings';

/** The default workspace id as a scalar subquery, so a list needs no second round trip to mark it. */
export const defaultWorkspaceIdSql = sql<string | null>`(SELECT ${settings.value} #>> '{}' FROM ${settings} WHERE ${settings.key} = ${SETTING.defaultWorkspaceId})`;

export const workspaceById = (id: string) => eq(workspaces.id, id);
