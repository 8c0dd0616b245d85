import { describe, expect, it } from 'vitest';
import { defaultDispatchAgent, dispatchChannelOf, isDispatchable } from './dispatch.rules';
import { roleAllows, AGENT_WORKSPACE_PERMISSIONS, WRITE_PERMISSIONS } from '../shared/workspaces.rules';

describe('dispatch rules', () => {
  it('the assigned agent goes first, then the holder; a ticket with neither has no default', () => {
    expect(defaultDispatchAgent({ assigneeAgentId: 'agt_a', claimedByAgentId: 'agt_h' })).toBe('agt_a');
    expect(defaultDispatchAgent({ assigneeAgentId: null, claimedByAgentId: 'agt_h' })).toBe('agt_h');
    expect(defaultDispatchAgent({ assigneeAgentId: null, claimedByAgentId: null })).toBeNull();
  });

  it('unfinished tickets only', () => {
    expect(['todo', 'in_progress', 'pr_review', 'done', 'closed'].filter(isDispatchable)).toEqual(['todo', 'in_progress', 'pr_review']);
  });

  it('an agent is reached through its endpoint; without one, not at all', () => {
    expect(dispatchChannelOf({ endpoint: 'https://agent.example.com/hook' })).toBe('endpoint');
    expect(dispatchChannelOf({ endpoint: null })).toBeNull();
  });

  it('an agent linked to a gateway agent is reached through the gateway, before its endpoint; a half link is no link', () => {
    expect(dispatchChannelOf({ endpoint: 'https://agent.example.com/hook', gatewayId: 'gw_1', gatewayAgentId: 'main' })).toBe('gateway');
    expect(dispatchChannelOf({ endpoint: null, gatewayId: 'gw_1', gatewayAgentId: 'main' })).toBe('gateway');
    expect(dispatchChannelOf({ endpoint: null, gatewayId: 'gw_1', gatewayAgentId: null })).toBeNull();
    expect(dispatchChannelOf({ endpoint: 'https://agent.example.com/hook', gatewayId: null, gatewayAgentId: null })).toBe('endpoint');
  });

  it('who may dispatch: owners, admins and members; not viewers, not agents; never in an archived workspace', () => {
    expect((['owner', 'admin', 'member', 'viewer'] as const).filter((r) => roleAllows(r, 'tickets.dispatch'))).toEqual(['owner', 'admin', 'member']);
    expect(AGENT_WORKSPACE_PERMISSIONS.has('tickets.dispatch')).toBe(false);
    expect(WRITE_PERMISSIONS.has('tickets.dispatch')).toBe(true);
  });
});
