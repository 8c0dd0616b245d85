// OpenClaw gateways (issue 15): a workspace registers the gateways its agents run on. The token is write-only
// (sealed at rest, never answered); a gateway reads back with the live state its connection owner reports.
import { ZAgentName } from './agents';
import { ZIsoDate, ZVersion } from './common';
import { z } from './z';

export const GATEWAY_STATE_VALUES = ['connecting', 'connected', 'unreachable', 'unauthorized'] as const;
export const GATEWAY_NAME_MAX = 100;
export const GATEWAY_TOKEN_MAX = 4096;
export const GATEWAY_AGENT_ID_MAX = 200;

const ZGatewayUrl = z
  .url({ protocol: /^wss?$/, message: 'a ws:// or wss:// URL' })
  .max(2000)
  .openapi({
    description:
      'The gateway\'s WebSocket address (ws:// or wss://). Private and loopback addresses: instance admins, or hosts allowed by MC_GATEWAY_ALLOWED_HOSTS; link-local and cloud metadata addresses never',
    example: 'ws://127.0.0.1:18789',
  });
const ZGatewayToken = z
  .string()
  .min(1)
  .max(GATEWAY_TOKEN_MAX)
  .openapi({ description: "The gateway's token (`gateway.auth.token`): write-only, stored encrypted, never returned" });
const ZGatewayName = z.string().trim().min(1).max(GATEWAY_NAME_MAX);
export const ZGatewayAgentId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, 'an agent id as the gateway lists it')
  .openapi({ maxLength: GATEWAY_AGENT_ID_MAX, description: 'The id of an agent the gateway hosts (`agents.list`)', example: 'main' });

export const ZGatewayHostedAgent = z
  .object({
    id: z.string().openapi({ description: "The agent's id on the gateway" }),
    name: z.string(),
    agentId: z.string().nullable().openapi({ description: 'The Mission Control agent linked to it, or null ("add as agent" / link one)' }),
    agentName: z.string().nullable(),
  })
  .openapi('GatewayHostedAgent');

export const ZGateway = z
  .object({
    id: z.string().openapi({ example: 'gtw_01JD0000000000000000000000' }),
    workspaceId: z.string(),
    name: z.string(),
    url: z.string(),
    hasToken: z.literal(true).openapi({ description: 'A token is stored (always: it is required); the token itself is never returned' }),
    tokenUpdatedAt: ZIsoDate,
    hasDeviceIdentity: z.boolean().openapi({ description: 'A device identity for pairing with a remote gateway is stored (encrypted)' }),
    state: z.enum(GATEWAY_STATE_VALUES).openapi({
      description:
        'As the process that holds the connection last reported: connecting (new or changed, or reconnecting), connected, unreachable, unauthorized (token or device refused)',
    }),
    stateChangedAt: ZIsoDate,
    serverVersion: z.string().nullable().openapi({ description: "The gateway's version (`hello-ok`)" }),
    protocol: z.number().int().nullable().openapi({ description: 'The protocol version agreed on (`hello-ok`)' }),
    agents: z.array(ZGatewayHostedAgent).openapi({ description: 'The agents the gateway hosts (as of `lastSyncedAt`), each with its linked agent' }),
    linkedAgents: z
      .array(z.object({ agentId: z.string(), agentName: z.string(), gatewayAgentId: z.string() }))
      .openapi({ description: 'Agents of the workspace linked to this gateway, also those whose hosted agent is not (or no longer) listed' }),
    lastError: z.string().nullable(),
    lastErrorAt: ZIsoDate.nullable(),
    lastSyncedAt: ZIsoDate.nullable().openapi({ description: 'When the hosted agents were last read from the gateway' }),
    syncRequestedAt: ZIsoDate.nullable().openapi({ description: 'The latest sync asked for (POST /gateways/{id}/sync)' }),
    can: z
      .object({ edit: z.boolean(), delete: z.boolean(), sync: z.boolean(), addAgent: z.boolean(), link: z.boolean() })
      .openapi({ description: 'What you may do with it (workspace admins manage; link needs agents.manage)' }),
    createdBy: z.string().nullable(),
    createdAt: ZIsoDate,
    updatedAt: ZIsoDate,
    version: z.number().int(),
  })
  .openapi('Gateway');

export const ZCreateGatewayRequest = z
  .object({
    workspaceId: z.string().min(1).max(64).openapi({ description: 'Workspace id or slug' }),
    name: ZGatewayName,
    url: ZGatewayUrl,
    token: ZGatewayToken,
  })
  .strict()
  .openapi('CreateGatewayRequest');

export const ZUpdateGatewayRequest = z
  .object({
    name: ZGatewayName.optional(),
    url: ZGatewayUrl.optional(),
    token: ZGatewayToken.optional().openapi({ description: 'A new token (write-only); leave it out to keep the stored one' }),
    version: ZVersion.optional(),
  })
  .strict()
  .openapi('UpdateGatewayRequest');

export const ZGatewaySyncAccepted = z
  .object({
    gatewayId: z.string(),
    syncRequestedAt: ZIsoDate,
    state: z.enum(GATEWAY_STATE_VALUES).openapi({ description: "The gateway's state when the sync was asked for" }),
    accepted: z
      .literal(true)
      .openapi({ description: 'The request is recorded and signalled to the process holding the connection; the sync itself happens there, later (see `lastSyncedAt`)' }),
  })
  .openapi('GatewaySyncAccepted');

export const ZGatewayLinkRequest = z
  .object({ gatewayId: z.string().min(1).max(64), gatewayAgentId: ZGatewayAgentId })
  .strict()
  .openapi('GatewayLinkRequest');

export const ZGatewayLink = z
  .object({
    agentId: z.string(),
    workspaceId: z.string(),
    gatewayId: z.string().nullable(),
    gatewayAgentId: z.string().nullable(),
  })
  .openapi('GatewayLink');

export const ZAddGatewayAgentRequest = z
  .object({
    gatewayAgentId: ZGatewayAgentId,
    name: ZAgentName.optional().openapi({ description: "The new agent's name (default: derived from the hosted agent's name or id)" }),
  })
  .strict()
  .openapi('AddGatewayAgentRequest');

export const ZGatewayAgentAdded = z
  .object({
    agentId: z.string(),
    name: z.string(),
    workspaceId: z.string(),
    status: z.literal('active'),
    gatewayId: z.string(),
    gatewayAgentId: z.string(),
  })
  .openapi('GatewayAgentAdded');

/**
 * What an OpenClaw gateway POSTs when a cron job with `delivery: {mode: "webhook"}` finishes a run (its `cron`
 * `finished` event). Fields Mission Control does not use are ignored; `summary` is kept as the run's output.
 */
export const ZGatewayCronDelivery = z
  .object({
    jobId: z.string().min(1).max(200),
    action: z.string().max(40).optional(),
    status: z.string().max(40).optional().openapi({ description: 'ok | error | skipped' }),
    summary: z.string().max(100_000).optional(),
    error: z.string().max(10_000).optional(),
    runAtMs: z.number().min(0).max(1e14).openapi({ description: 'When the run started (epoch ms)' }),
    durationMs: z.number().min(0).max(1e12).optional(),
    runId: z.string().max(300).optional(),
    sessionKey: z.string().max(500).optional(),
    sessionId: z.string().max(300).optional(),
    model: z.string().max(200).optional(),
    provider: z.string().max(200).optional(),
    usage: z
      .object({
        input: z.number().min(0).max(1e12).optional(),
        output: z.number().min(0).max(1e12).optional(),
        cacheRead: z.number().min(0).max(1e12).optional(),
        cacheWrite: z.number().min(0).max(1e12).optional(),
        total: z.number().min(0).max(1e12).optional(),
      })
      .optional(),
  })
  .openapi('GatewayCronDelivery');

export const ZGatewayCronDeliveryAccepted = z
  .object({
    accepted: z.boolean().openapi({ description: 'false: no cron holds this job (deleted, or never linked); nothing was recorded' }),
    runId: z.string().nullable().openapi({ description: 'The cron run it was recorded on (`cronRunId(cron, slot, agent)`)' }),
  })
  .openapi('GatewayCronDeliveryAccepted');

export const ZGatewayMissedRuns = z
  .object({
    gatewayId: z.string(),
    runs: z
      .array(
        z.object({
          runId: z.string(),
          cronId: z.string(),
          cronName: z.string(),
          agentId: z.string(),
          slot: ZIsoDate,
          missedRunPolicy: z.enum(['record', 'force_run']),
          missedStreak: z.number().int(),
        }),
      )
      .openapi({ description: 'Slots the gateway did not run (latest 100 first)' }),
    notSynced: z
      .array(z.object({ jobId: z.string(), name: z.string(), reason: z.string() }))
      .openapi({ description: "The gateway's jobs the cron sync could not bring here, and why (e.g. no agent linked to the job's agent)" }),
  })
  .openapi('GatewayMissedRuns');
