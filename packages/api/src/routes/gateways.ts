// OpenClaw gateways of a workspace (issue 15): register, read (with live state), change, delete, ask for a sync,
// add a hosted agent as an agent; and the link of an agent to the agent a gateway hosts.
import {
  GATEWAY_STATE_VALUES,
  listQuery,
  z,
  ZAddGatewayAgentRequest,
  ZCreateGatewayRequest,
  ZGateway,
  ZGatewayAgentAdded,
  ZGatewayCronDelivery,
  ZGatewayCronDeliveryAccepted,
  ZGatewayMissedRuns,
  ZGatewayLink,
  ZGatewayLinkRequest,
  ZGatewaySyncAccepted,
  ZTotalMode,
  ZUpdateGatewayRequest,
} from '@mc/contracts';
import {
  addGatewayAgent,
  createGateway,
  deleteGateway,
  findGateways,
  GATEWAY_SORT_FIELDS,
  getGateway,
  linkAgentToGateway,
  receiveGatewayCronDelivery,
  gatewayMissedRuns,
  requestGatewaySync,
  unlinkAgentFromGateway,
  updateGateway,
} from '@mc/core';
import { presentedKey, type RouteBuilder } from '../http';

const ZGatewayParam = z.object({ id: z.string().min(1).max(64).openapi({ description: 'Gateway id (`gtw_…`)' }) });
const ZAgentParam = z.object({ id: z.string().min(1).max(64).openapi({ description: 'Agent id (`agt_…`)' }) });

const ZFindGatewaysQuery = listQuery(GATEWAY_SORT_FIELDS, '-createdAt').extend({
  workspaceId: z.string().min(1).max(64).openapi({ description: 'Workspace id or slug' }),
  state: z.enum(GATEWAY_STATE_VALUES).optional(),
  total: ZTotalMode,
});

const NO_TOKEN = 'The token is write-only: it is stored encrypted (AES-256-GCM) and never returned (`hasToken`, `tokenUpdatedAt` instead).';

export function registerGatewayRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/gateways',
    operationId: 'listGateways',
    summary: "A workspace's OpenClaw gateways with their live state (members; agents of the workspace read them too)",
    tags: ['Gateways'],
    auth: 'any',
    query: ZFindGatewaysQuery,
    response: ZGateway,
    list: true,
    handler: ({ ctx, query }) => findGateways(ctx, query),
  });

  r.define({
    method: 'post',
    path: '/api/v1/gateways',
    operationId: 'createGateway',
    summary: 'Register an OpenClaw gateway (workspace admin); it reads back `connecting` until its connection is made',
    description: `${NO_TOKEN} Private and loopback addresses: instance admins, or hosts allowed by MC_GATEWAY_ALLOWED_HOSTS; link-local and metadata addresses never. 503 (reason \`secret_key_missing\`) when the server has no MC_SECRET_KEY.`,
    tags: ['Gateways'],
    auth: 'user',
    body: ZCreateGatewayRequest,
    response: ZGateway,
    status: 201,
    idempotent: true,
    handler: ({ ctx, body }) => createGateway(ctx, body),
  });

  r.define({
    method: 'get',
    path: '/api/v1/gateways/{id}',
    operationId: 'getGateway',
    summary: 'One gateway: state, server version, protocol, hosted agents (with their linked agents), last error',
    tags: ['Gateways'],
    auth: 'any',
    params: ZGatewayParam,
    response: ZGateway,
    handler: ({ ctx, params }) => getGateway(ctx, params.id),
  });

  r.define({
    method: 'patch',
    path: '/api/v1/gateways/{id}',
    operationId: 'updateGateway',
    summary: 'Rename a gateway, change its URL or token (workspace admin); a new URL or token reconnects it',
    description: NO_TOKEN,
    tags: ['Gateways'],
    auth: 'user',
    params: ZGatewayParam,
    body: ZUpdateGatewayRequest,
    response: ZGateway,
    handler: ({ ctx, params, body, ifMatch }) => updateGateway(ctx, params.id, { ...body, version: body.version ?? ifMatch }),
  });

  r.define({
    method: 'delete',
    path: '/api/v1/gateways/{id}',
    operationId: 'deleteGateway',
    summary: 'Delete a gateway (workspace admin); its linked agents stay, unlinked',
    tags: ['Gateways'],
    auth: 'user',
    params: ZGatewayParam,
    response: ZGateway,
    handler: ({ ctx, params }) => deleteGateway(ctx, params.id),
  });

  r.define({
    method: 'get',
    path: '/api/v1/gateways/{id}/missed-runs',
    operationId: 'getGatewayMissedRuns',
    summary: "The slots the gateway's crons did not run (recorded as missed runs), and the gateway jobs the cron sync could not bring here",
    tags: ['Gateways'],
    auth: 'any',
    params: ZGatewayParam,
    response: ZGatewayMissedRuns,
    handler: ({ ctx, params }) => gatewayMissedRuns(ctx, params.id),
  });

  r.define({
    method: 'post',
    path: '/api/v1/gateways/{id}/cron-deliveries',
    operationId: 'receiveGatewayCronDelivery',
    summary: "The gateway's cron webhook: a finished run of a job Mission Control keeps there (called by the gateway, not by people)",
    description:
      "Mission Control sets each of its jobs' `delivery` to `{mode: \"webhook\", to: <this URL>}` and the gateway's `cron.webhookToken`; the gateway POSTs the finished-run event with `Authorization: Bearer <cron.webhookToken>` (compared in constant time; 401 otherwise). The run is recorded under the scheduler's id for its slot, so the `cron` events and this delivery land on one run. A job no cron holds is answered 200 with `accepted: false`.",
    tags: ['Gateways'],
    auth: 'gateway',
    params: ZGatewayParam,
    body: ZGatewayCronDelivery,
    response: ZGatewayCronDeliveryAccepted,
    handler: ({ ctx, params, body, c }) => receiveGatewayCronDelivery(ctx, params.id, presentedKey(c), body),
  });

  r.define({
    method: 'post',
    path: '/api/v1/gateways/{id}/sync',
    operationId: 'syncGateway',
    summary: 'Ask for a sync of the gateway (workspace admin): recorded and signalled, done by the process holding its connection',
    description:
      'Answers 202 at once: the request is recorded (`syncRequestedAt`) and signalled to the process that holds the gateway\'s connection, which reads its hosted agents (and crons) when it can; `lastSyncedAt` moves when it has. No request ever waits on a gateway.',
    tags: ['Gateways'],
    auth: 'user',
    params: ZGatewayParam,
    response: ZGatewaySyncAccepted,
    status: 202,
    handler: ({ ctx, params }) => requestGatewaySync(ctx, params.id),
  });

  r.define({
    method: 'post',
    path: '/api/v1/gateways/{id}/agents',
    operationId: 'addGatewayAgent',
    summary: '"Add as agent": a hosted agent becomes an agent of the workspace, approved and linked (workspace admin)',
    description: 'Once the gateway has listed its agents, `gatewayAgentId` must be one of them (400 otherwise); a hosted agent already linked is 409 `already_linked`.',
    tags: ['Gateways'],
    auth: 'user',
    params: ZGatewayParam,
    body: ZAddGatewayAgentRequest,
    response: ZGatewayAgentAdded,
    status: 201,
    idempotent: true,
    handler: ({ ctx, params, body }) => addGatewayAgent(ctx, params.id, body),
  });

  r.define({
    method: 'put',
    path: '/api/v1/agents/{id}/gateway-link',
    operationId: 'linkAgentToGateway',
    summary: 'Link an agent to an agent a gateway of its workspace hosts (workspace admin); replaces an earlier link',
    description: 'One agent per hosted agent: a hosted agent already linked to another agent is 409 `already_linked`.',
    tags: ['Gateways'],
    auth: 'user',
    params: ZAgentParam,
    body: ZGatewayLinkRequest,
    response: ZGatewayLink,
    handler: ({ ctx, params, body }) => linkAgentToGateway(ctx, params.id, body),
  });

  r.define({
    method: 'delete',
    path: '/api/v1/agents/{id}/gateway-link',
    operationId: 'unlinkAgentFromGateway',
    summary: 'Unlink an agent from its gateway (workspace admin); the agent stays',
    tags: ['Gateways'],
    auth: 'user',
    params: ZAgentParam,
    response: ZGatewayLink,
    handler: ({ ctx, params }) => unlinkAgentFromGateway(ctx, params.id),
  });
}
