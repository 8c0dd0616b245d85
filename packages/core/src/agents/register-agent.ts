import { agents, workspaces } from '@mc/db';
import { eq, or } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { emitEvent } from '../events/emit-event';
import { REGISTRATION_SECRET_PREFIX } from '../auth/auth.rules';
import { inTransaction, type Ctx } from '../context';
import { conflict, isUniqueViolation, notFound, retold } from '../errors';
import { newSecret, sha256 } from '../shared/crypto';
import { newId } from '../shared/ids';
import { assertOutboundUrl } from '../shared/outbound';
import { assertWorkspaceOpen } from '../shared/workspace-access';

export interface RegisterAgentInput {
  /** Workspace id or slug. */
  workspace: string;
  name: string;
  endpoint?: string | null;
  capabilities: string[];
  description?: string;
  ip: string | null;
}

/**
 * POST /agents (no key) — an agent asks to join a workspace. It is `pending` and can do nothing until a
 * workspace admin approves it; it gets a registration secret (shown once) to poll its registration with.
 */
export async function registerAgent(ctx: Ctx, input: RegisterAgentInput) {
  // Anyone may register, and approval POSTs the agent's key to this endpoint: an internal address is refused here
  // (and again when connecting), or registering would make the server call into its own network.
  if (input.endpoint) assertOutboundUrl(ctx, input.endpoint, 'endpoint');
  const secret = newSecret(REGISTRATION_SECRET_PREFIX);
  try {
    return await inTransaction(ctx, async (tx) => {
      const [ws] = await tx.db
        .select()
        .from(workspaces)
        .where(or(eq(workspaces.id, input.workspace), eq(workspaces.slug, input.workspace)))
        .limit(1);
      if (!ws) {
        throw retold(notFound('workspace'), `workspace "${input.workspace}" not found`, {
          issues: [{ field: 'workspace', in: 'body', message: 'no such workspace' }],
        });
      }
      assertWorkspaceOpen(ws, 'this workspace is archived and accepts no new agents');
      const now = tx.clock.now();
      const id = newId('agt', now.getTime());
      const [agent] = await tx.db
        .insert(agents)
        .values({
          id,
          workspaceId: ws.id,
          name: input.name,
          endpoint: input.endpoint ?? null,
          capabilities: [...new Set(input.capabilities)],
          description: input.description ?? '',
          status: 'pending',
          registrationSecretHash: sha256(secret),
          registrationIp: input.ip?.slice(0, 64) ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await recordActivity(
        { ...tx, principal: { kind: 'agent', agentId: agent.id, workspaceId: ws.id, name: agent.name, capabilities: agent.capabilities, credentialId: 'registration' } },
        {
          workspaceId: ws.id,
          action: 'agent.registered',
          target: { kind: 'agent', id: agent.id },
          summary: `asked to join (pending approval)`,
          metadata: { endpoint: agent.endpoint, capabilities: agent.capabilities, ip: agent.registrationIp },
        },
      );
      await emitEvent(
        { ...tx, principal: { kind: 'agent', agentId: agent.id, workspaceId: ws.id, name: agent.name, capabilities: agent.capabilities, credentialId: 'registration' } },
        'agent.registered',
        ws.id,
        { agent: { id: agent.id, name: agent.name, capabilities: agent.capabilities, endpoint: agent.endpoint } },
        { agentId: agent.id },
      );
      return {
        agentId: agent.id,
        workspaceId: ws.id,
        status: 'pending' as const,
        registrationSecret: secret,
        pollUrl: `/api/v1/agents/${agent.id}/registration`,
      };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'agents_workspace_name_key')) {
      throw conflict(`an agent named "${input.name}" already exists in this workspace`, {
        issues: [{ field: 'name', in: 'body', message: 'already taken in this workspace' }],
      });
    }
    throw err;
  }
}

