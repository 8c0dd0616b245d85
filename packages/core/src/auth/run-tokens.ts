// Run tokens (ADR 0023): minted when a gateway run is sent, stored hashed, valid while the execution runs.
import { agents, driverDate, executions, runTokens, type Db } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import type { AgentPrincipal, Ctx } from '../context';
import { newSecret, sha256 } from '../shared/crypto';
import { newId } from '../shared/ids';
import { RUN_TOKEN_PREFIX } from './auth.rules';

export interface MintRunTokenInput {
  workspaceId: string;
  agentId: string;
  executionId: string;
  ticketId: string | null;
  expiresAt: Date;
}

/** A new run token for the execution, in the caller's transaction. The clear token is returned once and never stored. */
export async function mintRunToken(tx: Ctx, input: MintRunTokenInput): Promise<string> {
  const token = newSecret(RUN_TOKEN_PREFIX);
  const now = tx.clock.now();
  await tx.db.insert(runTokens).values({
    id: newId('rtk', now.getTime()),
    tokenHash: sha256(token),
    workspaceId: input.workspaceId,
    agentId: input.agentId,
    executionId: input.executionId,
    ticketId: input.ticketId,
    createdAt: now,
    expiresAt: input.expiresAt,
  });
  return token;
}

/**
 * The agent a run token acts for, scoped to its run, or null: unknown token, past `expires_at`, its execution no
 * longer running (a token expires when its run ends), or its agent not active.
 */
export async function resolveRunToken(db: Db, token: string, now: Date): Promise<AgentPrincipal | null> {
  const [row] = await db
    .select({
      id: runTokens.id,
      expiresAt: runTokens.expiresAt,
      executionId: runTokens.executionId,
      ticketId: runTokens.ticketId,
      executionStatus: executions.status,
      agentId: agents.id,
      workspaceId: agents.workspaceId,
      name: agents.name,
      status: agents.status,
      capabilities: agents.capabilities,
    })
    .from(runTokens)
    .innerJoin(executions, eq(executions.id, runTokens.executionId))
    .innerJoin(agents, and(eq(agents.id, runTokens.agentId), eq(agents.workspaceId, runTokens.workspaceId)))
    .where(eq(runTokens.tokenHash, sha256(token)))
    .limit(1);
  if (!row || driverDate(row.expiresAt) <= now || row.executionStatus !== 'running' || row.status !== 'active') return null;
  return {
    kind: 'agent',
    agentId: row.agentId,
    workspaceId: row.workspaceId,
    name: row.name,
    capabilities: row.capabilities as string[],
    credentialId: row.id,
    run: { executionId: row.executionId, ticketId: row.ticketId },
  };
}
