// Query keys, one convention for every page, so that a mutation or a live event can refresh "everything about X":
//
//   global (the signed-in user's, not one workspace's):  [resource, 'list', params] · [resource, 'one', id, …sub]
//   one workspace's:                                    ['ws', workspaceId, resource, 'list', params] · ['ws', workspaceId, resource, 'one', id, …sub]
//
// `invalidateQueries({ queryKey: wsKey(id, 'tickets') })` refreshes every tickets list and ticket of the workspace;
// `['ws', id]` everything of it (what a `resync` does). Build keys only with these helpers.
import type { QueryKey } from '@tanstack/react-query';

/** What a workspace holds, as the live events name it (see live.ts for which event refreshes which). */
export const WORKSPACE_RESOURCES = [
  'tickets',
  'epics',
  'activity',
  'agents',
  'members',
  'invitations',
  'executions',
  'metrics',
  'costs',
  'budget',
  'webhooks',
  'deliveries',
  'ratings',
  'gateways',
] as const;
export type WorkspaceResource = (typeof WORKSPACE_RESOURCES)[number];

/**
 * What the signed-in user sees outside any one workspace. Crons are instance-level (their targets may sit in
 * several workspaces), so even a workspace's cron tab reads them under this key: one cron, one cache entry.
 */
export type GlobalResource = 'me' | 'setup' | 'workspaces' | 'notifications' | 'my-invitations' | 'users' | 'api-keys' | 'model-prices' | 'crons' | 'cron-preview';

export function wsKey(workspaceId: string, resource?: WorkspaceResource, ...rest: unknown[]): QueryKey {
  return resource ? ['ws', workspaceId, resource, ...rest] : ['ws', workspaceId];
}

export function globalKey(resource: GlobalResource, ...rest: unknown[]): QueryKey {
  return [resource, ...rest];
}

/** Keys of the things every page shares. */
export const keys = {
  me: () => globalKey('me'),
  setup: () => globalKey('setup'),
  workspaces: () => globalKey('workspaces', 'list'),
  /** One workspace by slug or id, as the /w/[slug] pages load it. */
  workspace: (slugOrId: string) => globalKey('workspaces', 'one', slugOrId),
  unreadCount: () => globalKey('notifications', 'unread'),
  myInvitations: () => globalKey('my-invitations', 'list'),
} as const;
