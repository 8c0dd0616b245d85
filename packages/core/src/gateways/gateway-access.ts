// Who reaches which gateway, in the query (tenancy in every statement): a gateway is looked up together with the
// caller's membership of its workspace, so another workspace's gateway is 404 like one that does not exist.
import type { WorkspaceRole } from '@mc/contracts';
import { gateways, memberships, workspaces } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { forbidden, notFound, unavailable } from '../errors';
import { requirePrincipal } from '../shared/guards';
import type { SecretKeyring } from '../shared/secrets';
import { assertWorkspaceOpen, type WorkspaceRow } from '../shared/workspace-access';
import { roleAllows } from '../shared/workspaces.rules';
import { GATEWAY_RULES } from './gateways.rules';

export type GatewayRow = typeof gateways.$inferSelect;
/** The caller's standing in a gateway's workspace: a role (the instance admin: owner), or `agent` (read-only). */
export type GatewayViewerRole = WorkspaceRole | 'agent';

/**
 * One gateway the caller may see, with its workspace and the caller's role there. `write` also needs
 * `gateways.manage` (else 403; an agent 403) and an open workspace (else 409), unless the write only takes access
 * away (`revokesAccess`: deleting the gateway, ADR 0003). `lock` holds the row.
 */
export async function requireGatewayAccess(
  ctx: Ctx,
  gatewayId: string,
  opts: { write: boolean; lock?: boolean; revokesAccess?: boolean },
): Promise<{ gateway: GatewayRow; workspace: WorkspaceRow; role: GatewayViewerRole }> {
  const me = requirePrincipal(ctx);
  if (me.kind === 'agent') {
    const q = ctx.db
      .select({ gateway: gateways, workspace: workspaces })
      .from(gateways)
      .innerJoin(workspaces, eq(workspaces.id, gateways.workspaceId))
      .where(and(eq(gateways.id, gatewayId), eq(gateways.workspaceId, me.workspaceId)))
      .limit(1);
    const [row] = opts.lock ? await q.for('update', { of: gateways }) : await q;
    if (!row) throw notFound('gateway');
    if (opts.write) throw forbidden('agents cannot change gateways');
    return { ...row, role: 'agent' };
  }
  const q = ctx.db
    .select({ gateway: gateways, workspace: workspaces, role: memberships.role })
    .from(gateways)
    .innerJoin(workspaces, eq(workspaces.id, gateways.workspaceId))
    .leftJoin(memberships, and(eq(memberships.workspaceId, gateways.workspaceId), eq(memberships.userId, me.userId)))
    .where(and(eq(gateways.id, gatewayId), me.isInstanceAdmin ? undefined : eq(memberships.userId, me.userId)))
    .limit(1);
  const [row] = opts.lock ? await q.for('update', { of: gateways }) : await q;
  if (!row) throw notFound('gateway');
  const role: WorkspaceRole = me.isInstanceAdmin ? 'owner' : (row.role as WorkspaceRole);
  if (!roleAllows(role, GATEWAY_RULES.readPermission)) throw notFound('gateway');
  if (opts.write) {
    if (!roleAllows(role, GATEWAY_RULES.managePermission)) throw forbidden('only a workspace admin can change gateways');
    if (!opts.revokesAccess) assertWorkspaceOpen(row.workspace);
  }
  return { gateway: row.gateway, workspace: row.workspace, role };
}

/**
 * The keyring, or 503 naming what to set: without MC_SECRET_KEY (on PostgreSQL) a token cannot be stored or read,
 * and the rest of the app works on (ADR 0019).
 */
export function requireSecrets(ctx: Pick<Ctx, 'config'>): SecretKeyring {
  const ring = ctx.config.secrets;
  if (!ring) {
    throw unavailable('gateway tokens are stored encrypted and this server has no secret key: set MC_SECRET_KEY (the same on every process) and restart', {
      reason: 'secret_key_missing',
    });
  }
  return ring;
}
