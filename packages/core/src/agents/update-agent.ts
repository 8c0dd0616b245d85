import { agents } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { conflict, isUniqueViolation, notFound, staleVersion } from '../errors';
import { assertOutboundUrl } from '../shared/outbound';
import { assertCanManage, requireAgentAccess } from './agent-access';
import { toAgentDto } from './agent-dto';

export interface UpdateAgentInput {
  name?: string;
  endpoint?: string | null;
  capabilities?: string[];
  description?: string;
  version?: number;
}

/** PATCH /agents/{id} — the agent itself or a workspace admin edits its profile. */
export async function updateAgent(ctx: Ctx, agentId: string, input: UpdateAgentInput) {
  try {
    return await inTransaction(ctx, async (tx) => {
      const a = await requireAgentAccess(tx, agentId, { lock: true });
      assertCanManage(a, { selfAllowed: true });
      if (a.agent.status === 'deleted') throw notFound('agent');
      if (input.endpoint) assertOutboundUrl(tx, input.endpoint, 'endpoint');
      if (input.version !== undefined && input.version !== a.agent.version) {
        throw staleVersion('agent', a.agent.version, input.version);
      }
      const { version: _v, ...fields } = input;
      const changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      if (changes.capabilities) changes.capabilities = [...new Set(changes.capabilities as string[])];
      const now = tx.clock.now();
      const [row] = await tx.db
        .update(agents)
        .set({ ...changes, updatedAt: now, version: a.agent.version + 1 })
        .where(and(eq(agents.id, agentId)))
        .returning();
      await recordActivity(tx, {
        workspaceId: row.workspaceId,
        action: 'agent.updated',
        target: { kind: 'agent', id: row.id },
        summary: `updated ${Object.keys(changes).join(', ') || 'nothing'} of agent ${row.name}`,
        metadata: { changes },
      });
      return toAgentDto(row, tx.principal, now);
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
