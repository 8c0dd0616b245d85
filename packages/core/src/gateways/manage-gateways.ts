// Registering, changing and deleting a gateway, and asking for a sync (issue 15). Workspace admins (gateways.rules.ts);
// the token is sealed before it is stored (shared/secrets.ts) and never answered or logged; each write records its
// activity entry and `gateway.*` event and signals the connection owner (mc_gateways) in the same transaction.
import { agents, gateways } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { conflict, isUniqueViolation, staleVersion, validation } from '../errors';
import { emitEvent } from '../events/emit-event';
import { requireUser } from '../shared/guards';
import { newId } from '../shared/ids';
import { sealSecret } from '../shared/secrets';
import { requireWorkspaceAccess } from '../shared/workspace-access';
import { checkGatewayUrl } from './gateway-address';
import { requireGatewayAccess, requireSecrets, type GatewayRow } from './gateway-access';
import { notifyGatewaysChanged } from './gateway-connection';
import { gatewayAnswer } from './gateway-dto';
import { GATEWAY_ID_PREFIX, GATEWAY_INITIAL_STATE, GATEWAY_RECONNECT_FIELDS, GATEWAY_RULES, gatewaySecretContext } from './gateways.rules';

export interface CreateGatewayInput {
  workspaceId: string;
  name: string;
  url: string;
  token: string;
}

export interface UpdateGatewayInput {
  name?: string;
  url?: string;
  token?: string;
  version?: number;
}

const gatewayRef = (g: GatewayRow) => ({ id: g.id, name: g.name, url: g.url });

/** The address rules for a URL set by this caller (an instance admin may use private addresses): 400 naming `url`. */
function assertGatewayUrl(ctx: Ctx, url: string): { allowPrivate: boolean } {
  const me = requireUser(ctx);
  const refused = checkGatewayUrl(url, { allowPrivate: me.isInstanceAdmin, allowedHosts: ctx.config.gatewayAllowedHosts });
  if (refused) throw validation([{ field: 'url', in: 'body', message: refused }], `url refused: ${refused}`);
  return { allowPrivate: me.isInstanceAdmin };
}

const nameTaken = (name: string) =>
  conflict(`a gateway named "${name}" already exists in this workspace`, { issues: [{ field: 'name', in: 'body', message: 'already taken in this workspace' }] });

/** POST /gateways — state `connecting` until the connection owner reports. */
export async function createGateway(ctx: Ctx, input: CreateGatewayInput) {
  requireUser(ctx);
  // Who may, before anything about the URL or the key: a refused caller learns nothing from those checks.
  const { workspace } = await requireWorkspaceAccess(ctx, input.workspaceId, GATEWAY_RULES.managePermission);
  const ring = requireSecrets(ctx);
  const { allowPrivate } = assertGatewayUrl(ctx, input.url);
  try {
    return await inTransaction(ctx, async (tx) => {
      const access = await requireWorkspaceAccess(tx, workspace.id, GATEWAY_RULES.managePermission);
      const me = requireUser(tx);
      const now = tx.clock.now();
      const id = newId(GATEWAY_ID_PREFIX, now.getTime());
      const [row] = await tx.db
        .insert(gateways)
        .values({
          id,
          workspaceId: workspace.id,
          name: input.name,
          url: input.url,
          tokenCiphertext: sealSecret(ring, input.token, gatewaySecretContext('token', id)),
          tokenUpdatedAt: now,
          allowPrivate,
          state: GATEWAY_INITIAL_STATE,
          stateChangedAt: now,
          createdBy: me.userId,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await recordActivity(tx, {
        workspaceId: workspace.id,
        action: 'gateway.created',
        target: { kind: 'gateway', id: row.id },
        summary: `registered gateway "${row.name}" (${row.url})`,
        metadata: { url: row.url },
      });
      await emitEvent(tx, 'gateway.created', workspace.id, { gateway: gatewayRef(row) });
      await notifyGatewaysChanged(tx, { gatewayId: row.id, workspaceId: workspace.id, change: 'created' });
      return gatewayAnswer(tx, row, access.effectiveRole);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'gateways_workspace_name_key')) throw nameTaken(input.name);
    throw err;
  }
}

/** PATCH /gateways/{id} (If-Match or `version`). A new URL or token puts the gateway back to `connecting`. */
export async function updateGateway(ctx: Ctx, gatewayId: string, input: UpdateGatewayInput) {
  requireUser(ctx);
  await requireGatewayAccess(ctx, gatewayId, { write: true });
  const ring = input.token !== undefined ? requireSecrets(ctx) : null;
  const urlRule = input.url !== undefined ? assertGatewayUrl(ctx, input.url) : null;
  try {
    return await inTransaction(ctx, async (tx) => {
      const { gateway, role } = await requireGatewayAccess(tx, gatewayId, { write: true, lock: true });
      if (input.version !== undefined && input.version !== gateway.version) throw staleVersion('gateway', gateway.version, input.version);
      const now = tx.clock.now();
      const changes: Partial<typeof gateways.$inferInsert> = {};
      const fields: string[] = [];
      if (input.name !== undefined && input.name !== gateway.name) {
        changes.name = input.name;
        fields.push('name');
      }
      if (input.url !== undefined && (input.url !== gateway.url || urlRule!.allowPrivate !== gateway.allowPrivate)) {
        changes.url = input.url;
        changes.allowPrivate = urlRule!.allowPrivate;
        if (input.url !== gateway.url) fields.push('url');
      }
      if (input.token !== undefined) {
        // Always a new seal (a fresh IV), and recorded as changed: whether the value is the same is not told.
        changes.tokenCiphertext = sealSecret(ring!, input.token, gatewaySecretContext('token', gateway.id));
        changes.tokenUpdatedAt = now;
        fields.push('token');
      }
      if (Object.keys(changes).length === 0) return gatewayAnswer(tx, gateway, role);
      if (fields.some((f) => (GATEWAY_RECONNECT_FIELDS as readonly string[]).includes(f)) && gateway.state !== GATEWAY_INITIAL_STATE) {
        changes.state = GATEWAY_INITIAL_STATE;
        changes.stateChangedAt = now;
      }
      const [row] = await tx.db
        .update(gateways)
        .set({ ...changes, updatedAt: now, version: gateway.version + 1 })
        .where(eq(gateways.id, gateway.id))
        .returning();
      if (fields.length > 0) {
        await recordActivity(tx, {
          workspaceId: row.workspaceId,
          action: 'gateway.updated',
          target: { kind: 'gateway', id: row.id },
          summary: `changed gateway "${row.name}" (${fields.join(', ')})`,
          metadata: { fields },
        });
        await emitEvent(tx, 'gateway.updated', row.workspaceId, { gateway: gatewayRef(row), fields });
      }
      await notifyGatewaysChanged(tx, { gatewayId: row.id, workspaceId: row.workspaceId, change: 'updated', fields });
      return gatewayAnswer(tx, row, role);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'gateways_workspace_name_key')) throw nameTaken(input.name ?? '');
    throw err;
  }
}

/**
 * DELETE /gateways/{id} — the gateway goes; agents linked to it stay, unlinked (their runs and history are theirs).
 * Answers the gateway as it was.
 */
export async function deleteGateway(ctx: Ctx, gatewayId: string) {
  requireUser(ctx);
  return inTransaction(ctx, async (tx) => {
    // Deleting takes a credential and a connection away: allowed in an archived workspace too (ADR 0003).
    const { gateway, role } = await requireGatewayAccess(tx, gatewayId, { write: true, lock: true, revokesAccess: true });
    const answer = await gatewayAnswer(tx, gateway, role);
    await tx.db
      .update(agents)
      .set({ gatewayId: null, gatewayAgentId: null, updatedAt: tx.clock.now() })
      .where(and(eq(agents.gatewayId, gateway.id), eq(agents.workspaceId, gateway.workspaceId)));
    await tx.db.delete(gateways).where(and(eq(gateways.id, gateway.id), eq(gateways.workspaceId, gateway.workspaceId)));
    await recordActivity(tx, {
      workspaceId: gateway.workspaceId,
      action: 'gateway.deleted',
      target: { kind: 'gateway', id: gateway.id },
      summary: `deleted gateway "${gateway.name}" (${gateway.url})`,
      metadata: { url: gateway.url, unlinkedAgents: answer.linkedAgents.map((l) => l.agentId) },
    });
    await emitEvent(tx, 'gateway.deleted', gateway.workspaceId, { gateway: gatewayRef(gateway) });
    await notifyGatewaysChanged(tx, { gatewayId: gateway.id, workspaceId: gateway.workspaceId, change: 'deleted' });
    return answer;
  });
}

/**
 * POST /gateways/{id}/sync — records the request (`sync_requested_at`) and signals the connection owner on
 * mc_gateways in the same transaction; the sync (hosted agents, crons) happens there, later. 202.
 */
export async function requestGatewaySync(ctx: Ctx, gatewayId: string) {
  requireUser(ctx);
  return inTransaction(ctx, async (tx) => {
    const { gateway } = await requireGatewayAccess(tx, gatewayId, { write: true, lock: true });
    const now = tx.clock.now();
    await tx.db.update(gateways).set({ syncRequestedAt: now }).where(eq(gateways.id, gateway.id));
    await notifyGatewaysChanged(tx, { gatewayId: gateway.id, workspaceId: gateway.workspaceId, change: 'sync' });
    return { gatewayId: gateway.id, syncRequestedAt: now.toISOString(), state: gateway.state as typeof GATEWAY_INITIAL_STATE, accepted: true as const };
  });
}
