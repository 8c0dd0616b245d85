import { WORKSPACE_ROLES, type WorkspaceRole } from '@mc/contracts';
import { describe, expect, it } from 'vitest';
import { canManageRole, ROLE_RANK, roleAllows, WORKSPACE_PERMISSIONS, WRITE_PERMISSIONS, type WorkspacePermission } from './workspaces.rules';

describe('canManageRole', () => {
  // actor → roles it may give or take away
  const expected: Record<WorkspaceRole, WorkspaceRole[]> = {
    owner: ['owner', 'admin', 'member', 'viewer'],
    admin: ['admin', 'member', 'viewer'],
    member: [],
    viewer: [],
  };
  for (const actor of WORKSPACE_ROLES) {
    for (const target of WORKSPACE_ROLES) {
      const allowed = expected[actor].includes(target);
      it(`${actor} ${allowed ? 'may' : 'may not'} manage ${target}`, () => {
        expect(canManageRole(actor, target)).toBe(allowed);
      });
    }
  }

  it('nobody manages a role above their own', () => {
    for (const actor of WORKSPACE_ROLES) {
      for (const target of WORKSPACE_ROLES) {
        if (ROLE_RANK[target] > ROLE_RANK[actor]) expect(canManageRole(actor, target)).toBe(false);
      }
    }
  });
});

describe('the permission table', () => {
  const permissions = Object.keys(WORKSPACE_PERMISSIONS) as WorkspacePermission[];

  it('owners may do everything', () => {
    for (const p of permissions) expect(roleAllows('owner', p), p).toBe(true);
  });

  it('is monotonic: a higher role may do whatever a lower one may', () => {
    for (const p of permissions) {
      for (const low of WORKSPACE_ROLES) {
        for (const high of WORKSPACE_ROLES) {
          if (ROLE_RANK[high] > ROLE_RANK[low] && roleAllows(low, p)) expect(roleAllows(high, p), `${high} ${p}`).toBe(true);
        }
      }
    }
  });

  // Reads that are for admins only (integration details, who was invited); every other read is everyone's.
  const ADMIN_READS = ['invitations.read', 'webhooks.read'];

  it('viewers only read', () => {
    for (const p of permissions) expect(roleAllows('viewer', p), p).toBe(p.endsWith('.read') && !ADMIN_READS.includes(p));
    expect(permissions.filter((p) => p.endsWith('.read') && !roleAllows('member', p)).sort()).toEqual(ADMIN_READS);
    for (const p of ADMIN_READS) expect(WORKSPACE_ROLES.filter((r) => roleAllows(r, p as WorkspacePermission)), p).toEqual(['owner', 'admin']);
  });

  it('every write permission is refused to viewers, and only owners archive', () => {
    for (const p of WRITE_PERMISSIONS) expect(roleAllows('viewer', p), p).toBe(false);
    expect(WORKSPACE_ROLES.filter((r) => roleAllows(r, 'workspace.archive'))).toEqual(['owner']);
    expect(WORKSPACE_ROLES.filter((r) => roleAllows(r, 'members.manage'))).toEqual(['owner', 'admin']);
  });

  it('every permission that is not a read is a write permission (refused while archived)', () => {
    for (const p of permissions) if (!p.endsWith('.read')) expect(WRITE_PERMISSIONS.has(p), p).toBe(p !== 'workspace.archive');
  });
});
