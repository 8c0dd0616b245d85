import { ZIsoDate, ZVersion } from './common';
import { z } from './z';

import { AGENT_LIVENESS_VALUES, AGENT_STATUS_VALUES } from './constants';

export { AGENT_STATUS_VALUES };
export const ZAgentStatus = z.enum(AGENT_STATUS_VALUES).openapi('AgentStatus');
export const ZAgentLiveness = z.enum(AGENT_LIVENESS_VALUES).openapi('AgentLiveness');

/** How an agent is named (and @mentioned): the one definition, used by the domain rules too. */
export const AGENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const CAPABILITY_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,63}$/;
export const MAX_CAPABILITIES = 32;

// The patterns bound the length (64); `maxLength` says so in the document without a second issue for one mistake.
export const ZAgentName = z
  .string()
  .regex(AGENT_NAME_PATTERN, 'letters, digits, ".", "_" and "-" (max 64), starting with a letter or digit; it is how people @mention the agent')
  .openapi({ maxLength: 64 });
const ZCapability = z.string().regex(CAPABILITY_PATTERN, 'lowercase letters, digits, ".", "_", ":" and "-" (max 64)').openapi({ maxLength: 64 });
const ZCapabilities = z.array(ZCapability).max(MAX_CAPABILITIES, `at most ${MAX_CAPABILITIES} capabilities`);
const ZEndpoint = z
  .url({ protocol: /^https?$/, message: 'an http(s) URL' })
  .max(2000)
  .openapi({ description: 'Where Mission Control POSTs to the agent (its API key on approval, later notifications)' });

export const ZAgent = z
  .object({
    id: z.string().openapi({ example: 'agt_01JD0000000000000000000000' }),
    workspaceId: z.string(),
    name: z.string(),
    endpoint: z.string().nullable(),
    dispatchChannel: z.enum(['gateway', 'endpoint']).nullable().openapi({
      description:
        'How a dispatched ticket or task would reach it: `gateway` (linked to an agent of an OpenClaw gateway), `endpoint` (a signed POST to its endpoint), null (none: a dispatch to it is 409 `agent_unreachable`)',
    }),
    capabilities: z.array(z.string()),
    description: z.string(),
    status: ZAgentStatus,
    liveness: ZAgentLiveness.openapi({ description: 'online: seen within 2 min; idle: within 15 min; else offline' }),
    lastSeenAt: ZIsoDate.nullable().openapi({ description: 'Last heartbeat or authenticated call' }),
    registrationIp: z.string().nullable().openapi({ description: 'Shown to people only' }),
    rejectionReason: z.string().nullable(),
    decidedAt: ZIsoDate.nullable(),
    keyIssuedAt: ZIsoDate.nullable(),
    createdAt: ZIsoDate,
    updatedAt: ZIsoDate,
    version: z.number().int(),
  })
  .openapi('Agent');

export const ZRegisterAgentRequest = z
  .object({
    workspace: z.string().min(1).max(64).openapi({ description: 'Workspace id or slug' }),
    name: ZAgentName,
    endpoint: ZEndpoint.nullable().optional(),
    capabilities: ZCapabilities.default([]),
    description: z.string().max(2000).optional(),
  })
  .strict()
  .openapi('RegisterAgentRequest');

export const ZAgentRegistered = z
  .object({
    agentId: z.string(),
    workspaceId: z.string(),
    status: z.literal('pending'),
    registrationSecret: z
      .string()
      .nullable()
      .openapi({ description: 'Shown once. Poll your registration with it as a Bearer token (null in an Idempotency-Key replay)' }),
    pollUrl: z.string(),
  })
  .openapi('AgentRegistered');

export const ZRegistrationStatus = z
  .object({
    agentId: z.string(),
    workspaceId: z.string(),
    status: ZAgentStatus,
    rejectionReason: z.string().nullable(),
    apiKey: z.string().nullable().openapi({ description: 'The API key, in the first read after approval only' }),
    keyDelivery: z.string().nullable().openapi({ description: 'How the key was handed over: registration_poll, endpoint_callback or rotation' }),
  })
  .openapi('RegistrationStatus');

export const ZApprovedAgent = ZAgent.extend({
  keyDelivery: z.enum(['endpoint_callback', 'registration_poll']).openapi({
    description: 'endpoint_callback: the endpoint accepted the key; registration_poll: the agent fetches it with its registration secret',
  }),
}).openapi('ApprovedAgent');

export const ZRejectAgentRequest = z.object({ reason: z.string().trim().min(1).max(1000) }).strict().openapi('RejectAgentRequest');

export const ZRotateKeyRequest = z
  .object({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .optional()
      .openapi({ description: 'How long the previous key keeps working (default 86400 = 24 h; 0 = stop now)' }),
  })
  .strict()
  .openapi('RotateKeyRequest');

export const ZRotatedKey = z
  .object({
    agentId: z.string(),
    apiKey: z.string().openapi({ description: 'The new key, shown once' }),
    keyId: z.string(),
    previousKeyExpiresAt: ZIsoDate,
    graceSeconds: z.number().int(),
  })
  .openapi('RotatedKey');

export const ZUpdateAgentRequest = z
  .object({
    name: ZAgentName.optional(),
    endpoint: ZEndpoint.nullable().optional(),
    capabilities: ZCapabilities.optional(),
    description: z.string().max(2000).optional(),
    version: ZVersion.optional(),
  })
  .strict()
  .openapi('UpdateAgentRequest');

export const ZHeartbeat = z
  .object({
    agentId: z.string(),
    lastSeenAt: ZIsoDate,
    liveness: ZAgentLiveness,
    serverTime: ZIsoDate,
    leasesRenewed: z.number().int().openapi({ description: 'Claims whose lease this heartbeat renewed' }),
  })
  .openapi('Heartbeat');
