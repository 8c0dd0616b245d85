// packages/core/src/gateways/gateway-handlers.ts  (gwruntime creates this file FIRST and commits within 15 min;
// the others copy this exact file into their branch if they need it before that — identical content merges cleanly)
import type { GatewayClient } from '@mc/openclaw';
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';

/** Called in the process that owns the gateway's connection (holds its lease). Errors are caught and logged by the runtime. */
export interface GatewayHandlers {
  name: string;
  /** After each (re)connect (hello-ok received). */
  onConnected?(ctx: Ctx, gatewayId: string, client: GatewayClient): Promise<void>;
  /** POST /gateways/{id}/sync was called (change 'sync' on mc_gateways). */
  onSyncRequested?(ctx: Ctx, gatewayId: string, client: GatewayClient): Promise<void>;
  /** Every event frame from the gateway ({event, payload, seq}). Must not block: queue work. */
  onEvent?(ctx: Ctx, gatewayId: string, event: { event: string; payload: unknown; seq?: number }, client: GatewayClient): void;
  /** Work for this gateway was queued by any process: signalGatewayWork(ctx, gatewayId) → pg_notify('mc_gateway_work'). Also called after onConnected. */
  onWork?(ctx: Ctx, gatewayId: string, client: GatewayClient): Promise<void>;
  /** Every ~30 s while connected (deadlines, missed-run checks). */
  onTick?(ctx: Ctx, gatewayId: string, client: GatewayClient): Promise<void>;
  /** The connection was lost or the lease released. */
  onDisconnected?(ctx: Ctx, gatewayId: string): void;
}
/** pg_notify channel for queued work (payload: the gateway id). */
export const GATEWAY_WORK_CHANNEL = 'mc_gateway_work';
/** Publish with the caller's transaction: the owner process wakes only if the work row commits. */
export async function signalGatewayWork(ctx: Ctx, gatewayId: string): Promise<void> {
  await ctx.db.execute(sql`SELECT pg_notify(${GATEWAY_WORK_CHANNEL}, ${gatewayId})`);
}
