import { describe, expect, it } from 'vitest';
import { cronAbilities, cronStatus, gatewayCronRefusal, targetSkipReason, viewerManages, viewerSeesWorkspace, type CronViewer } from './crons.rules';

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
    expect(cronAbilities({ kind: 'agent', agentId: 'agt_1', workspaceId: 'a' }, ['a'])).toEqual({ edit: false, run: false, delete: false, setMissedRunPolicy: false });
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

describe('gateway crons (CRON_GATEWAY_RULES)', () => {
  const admin = { kind: 'instance_admin' } as const;
  it('read-only: no edit, run or delete; its missed-run policy only', () => {
    const c = { readOnly: true, owner: 'gateway', gatewayId: 'gtw_1' };
    expect(cronAbilities(admin, ['a'], c)).toEqual({ edit: false, run: false, delete: false, setMissedRunPolicy: true });
    expect(gatewayCronRefusal(c, 'edit', ['name'])?.reason).toBe('read_only');
    expect(gatewayCronRefusal(c, 'edit', ['missedRunPolicy'])).toBeNull();
    expect(gatewayCronRefusal(c, 'delete')?.reason).toBe('read_only');
  });
  it('gateway-owned: edited here, deleted on the gateway; gateway-fired: run on the gateway', () => {
    const owned = { readOnly: false, owner: 'gateway', gatewayId: 'gtw_1' };
    expect(cronAbilities(admin, ['a'], owned)).toEqual({ edit: true, run: false, delete: false, setMissedRunPolicy: true });
    expect(gatewayCronRefusal(owned, 'edit', ['name'])).toBeNull();
    expect(gatewayCronRefusal(owned, 'delete')?.reason).toBe('gateway_owned');
    const ours = { readOnly: false, owner: 'mission_control', gatewayId: 'gtw_1' };
    expect(gatewayCronRefusal(ours, 'delete')).toBeNull();
    expect(gatewayCronRefusal(ours, 'run')?.reason).toBe('gateway_fired');
    expect(gatewayCronRefusal({ readOnly: false, owner: 'mission_control', gatewayId: null }, 'run')).toBeNull();
  });
});
