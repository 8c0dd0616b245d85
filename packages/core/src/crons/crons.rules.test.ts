import { describe, expect, it } from 'vitest';
import { cronAbilities, cronStatus, targetSkipReason, viewerManages, viewerSeesWorkspace, type CronViewer } from './crons.rules';

const member = (roles: Record<string, 'owner' | 'admin' | 'member' | 'viewer'>): CronViewer => ({ kind: 'member', userId: 'usr_1', roles: new Map(Object.entries(roles)) });

describe('who may manage a cron', () => {
  it('needs owner or admin in every targeted workspace', () => {
    expect(viewerManages(member({ a: 'admin', b: 'owner' }), ['a', 'b'])).toBe(true);
    expect(viewerManages(member({ a: 'admin', b: 'member' }), ['a', 'b'])).toBe(false);
    expect(viewerManages(member({ a: 'admin' }), ['a', 'b'])).toBe(false);
    expect(viewerManages(member({ a: 'admin' }), [])).toBe(false);
  });
  it('the instance admin always; an agent never', () => {
    expect(viewerManages({ kind: 'instance_admin' }, ['x'])).toBe(true);
    expect(viewerManages({ kind: 'agent', agentId: 'agt_1', workspaceId: 'a' }, ['a'])).toBe(false);
    expect(cronAbilities({ kind: 'agent', agentId: 'agt_1', workspaceId: 'a' }, ['a'])).toEqual({ edit: false, run: false, delete: false });
  });
  it('sees a workspace by membership (any role), an agent only its own', () => {
    expect(viewerSeesWorkspace(member({ a: 'viewer' }), 'a')).toBe(true);
    expect(viewerSeesWorkspace(member({ a: 'viewer' }), 'b')).toBe(false);
    expect(viewerSeesWorkspace({ kind: 'agent', agentId: 'agt_1', workspaceId: 'a' }, 'b')).toBe(false);
  });
});

describe('status and runnable targets', () => {
  it('reads paused, failing, active', () => {
    expect(cronStatus({ enabled: false, failureStreak: 3 })).toBe('paused');
    expect(cronStatus({ enabled: true, failureStreak: 1 })).toBe('failing');
    expect(cronStatus({ enabled: true, failureStreak: 0 })).toBe('active');
  });
  it('skips archived workspaces first, then inactive agents', () => {
    expect(targetSkipReason({ workspaceArchived: true, agentStatus: 'active' })).toBe('WORKSPACE_ARCHIVED');
    expect(targetSkipReason({ workspaceArchived: false, agentStatus: 'pending' })).toBe('AGENT_INACTIVE');
    expect(targetSkipReason({ workspaceArchived: false, agentStatus: null })).toBe('AGENT_INACTIVE');
    expect(targetSkipReason({ workspaceArchived: false, agentStatus: 'active' })).toBeNull();
  });
});
