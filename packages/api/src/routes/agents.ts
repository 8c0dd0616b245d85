// Agents: self-registration, approval, keys and rotation, discovery, liveness.
import {
  AGENT_STATUS_VALUES,
  listQuery,
  ZAgent,
  ZAgentRegistered,
  ZApprovedAgent,
  ZHeartbeat,
  ZRegisterAgentRequest,
  ZRegistrationStatus,
  ZRejectAgentRequest,
  ZRotatedKey,
  ZRotateKeyRequest,
  ZUpdateAgentRequest,
  z,
  ZTotalMode,
} from '@mc/contracts';
import {
  activateAgent,
  AGENT_SORT_FIELDS,
  approveAgent,
  deactivateAgent,
  deleteAgent,
  findAgents,
  getAgent,
  getMyAgent,
  getRegistration,
  recordHeartbeat,
  registerAgent,
  rejectAgent,
  rotateAgentKey,
  updateAgent,
} from '@mc/core';
import { clientIp, presentedKey, type RouteBuilder } from '../http';

const ZAgentParam = z.object({ id: z.string().min(1).max(64).openapi({ description: 'Agent id (`agt_…`)' }) });

const ZFindAgentsQuery = listQuery(AGENT_SORT_FIELDS, '-createdAt').extend({
  workspaceId: z.string().max(64).optional().openapi({ description: 'Workspace id or slug (agents: implied)' }),
  status: z.enum(AGENT_STATUS_VALUES.filter((s) => s !== 'deleted') as ['pending', 'active', 'rejected', 'deactivated']).optional(),
  capability: z.string().max(64).optional().openapi({ description: 'Only agents that declare this capability' }),
  q: z.string().max(100).optional().openapi({ description: 'Text in name or description' }),
  total: ZTotalMode,
});

export function registerAgentRoutes(r: RouteBuilder) {
  r.define({
    method: 'post',
    path: '/api/v1/agents',
    operationId: 'registerAgent',
    summary: 'Register an agent (no key needed): it waits as pending until a workspace admin approves it',
    description:
      'Answers 202 with the agent id and a registration secret (shown once). Poll `GET /api/v1/agents/{id}/registration` with `Authorization: Bearer <registrationSecret>`; the first read after approval carries the API key. Rate-limited per IP.',
    tags: ['Agents'],
    auth: 'public',
    body: ZRegisterAgentRequest,
    response: ZAgentRegistered,
    status: 202,
    idempotent: true,
    secretFields: ['registrationSecret'],
    handler: ({ ctx, body, c, deps }) => registerAgent(ctx, { ...body, ip: clientIp(c, deps) }),
  });

  r.define({
    method: 'get',
    path: '/api/v1/agents/{id}/registration',
    operationId: 'getAgentRegistration',
    summary: "A registering agent's status; after approval the first read returns its API key, once",
    tags: ['Agents'],
    auth: 'registration',
    params: ZAgentParam,
    response: ZRegistrationStatus,
    handler: ({ ctx, params, c }) => getRegistration(ctx, params.id, presentedKey(c)),
  });

  r.define({
    method: 'get',
    path: '/api/v1/agents/me',
    operationId: 'getMyAgent',
    summary: 'The calling agent',
    tags: ['Agents'],
    auth: 'agent',
    response: ZAgent,
    handler: ({ ctx }) => getMyAgent(ctx),
  });

  r.define({
    method: 'post',
    path: '/api/v1/agents/me/heartbeat',
    operationId: 'agentHeartbeat',
    summary: 'Liveness without model cost: records last-seen (and renews ticket leases)',
    tags: ['Agents'],
    auth: 'agent',
    response: ZHeartbeat,
    handler: ({ ctx }) => recordHeartbeat(ctx),
  });

  r.define({
    method: 'get',
    path: '/api/v1/agents',
    operationId: 'listAgents',
    summary: "Agents of the caller's workspace(s), without deleted ones",
    tags: ['Agents'],
    auth: 'any',
    query: ZFindAgentsQuery,
    response: ZAgent,
    list: true,
    handler: ({ ctx, query }) => findAgents(ctx, query),
  });

  r.define({
    method: 'get',
    path: '/api/v1/agents/{id}',
    operationId: 'getAgent',
    summary: 'One agent',
    tags: ['Agents'],
    auth: 'any',
    params: ZAgentParam,
    response: ZAgent,
    handler: ({ ctx, params }) => getAgent(ctx, params.id),
  });

  r.define({
    method: 'patch',
    path: '/api/v1/agents/{id}',
    operationId: 'updateAgent',
    changesCredentials: true,
    summary: 'Edit name, endpoint, capabilities, description (the agent itself or a workspace admin)',
    tags: ['Agents'],
    auth: 'any',
    params: ZAgentParam,
    body: ZUpdateAgentRequest,
    response: ZAgent,
    handler: ({ ctx, params, body, ifMatch }) => updateAgent(ctx, params.id, { ...body, version: body.version ?? ifMatch }),
  });

  r.define({
    method: 'post',
    path: '/api/v1/agents/{id}/approve',
    operationId: 'approveAgent',
    changesCredentials: true,
    summary: 'Approve a pending agent (workspace admin); its key goes to its endpoint or waits for its registration poll',
    tags: ['Agents'],
    auth: 'user',
    params: ZAgentParam,
    response: ZApprovedAgent,
    handler: ({ ctx, params }) => approveAgent(ctx, params.id),
  });

  r.define({
    method: 'post',
    path: '/api/v1/agents/{id}/reject',
    operationId: 'rejectAgent',
    changesCredentials: true,
    summary: 'Reject a pending agent with a reason (workspace admin)',
    tags: ['Agents'],
    auth: 'user',
    params: ZAgentParam,
    body: ZRejectAgentRequest,
    response: ZAgent,
    handler: ({ ctx, params, body }) => rejectAgent(ctx, params.id, body),
  });

  r.define({
    method: 'post',
    path: '/api/v1/agents/{id}/rotate-key',
    operationId: 'rotateAgentKey',
    changesCredentials: true,
    summary: 'New key for an agent (the agent itself or a workspace admin); previous keys work until the grace ends',
    description:
      'Default grace 24 h (0..7 days). Rotating again during a grace adds one new key; keys already in grace keep the earlier of their expiry and the new one (a grace is never extended).',
    tags: ['Agents'],
    auth: 'any',
    params: ZAgentParam,
    body: ZRotateKeyRequest.optional().default({}),
    response: ZRotatedKey,
    handler: ({ ctx, params, body }) => rotateAgentKey(ctx, params.id, body ?? {}),
  });

  r.define({
    method: 'post',
    path: '/api/v1/agents/{id}/deactivate',
    operationId: 'deactivateAgent',
    changesCredentials: true,
    summary: "Deactivate an agent (workspace admin): its keys stop at once",
    tags: ['Agents'],
    auth: 'user',
    params: ZAgentParam,
    response: ZAgent,
    handler: ({ ctx, params }) => deactivateAgent(ctx, params.id),
  });

  r.define({
    method: 'post',
    path: '/api/v1/agents/{id}/activate',
    operationId: 'activateAgent',
    changesCredentials: true,
    summary: 'Reactivate a deactivated agent (workspace admin): its keys work again',
    tags: ['Agents'],
    auth: 'user',
    params: ZAgentParam,
    response: ZAgent,
    handler: ({ ctx, params }) => activateAgent(ctx, params.id),
  });

  r.define({
    method: 'delete',
    path: '/api/v1/agents/{id}',
    operationId: 'deleteAgent',
    changesCredentials: true,
    summary: 'Delete an agent (workspace admin): keys revoked, gone from lists, history kept',
    tags: ['Agents'],
    auth: 'user',
    params: ZAgentParam,
    response: ZAgent,
    handler: ({ ctx, params }) => deleteAgent(ctx, params.id),
  });
}
