// OpenClaw gateways as data (issue 15): who may see and change them, the live states a connection reports, where a
// gateway may be, and the bounds of what is stored about it.
import type { WorkspaceRole } from '@mc/contracts';
import { roleAllows } from '../shared/workspaces.rules';

export const GATEWAY_ID_PREFIX = 'gtw';

/**
 * Who may do what with a gateway (one workspace owns it):
 * - read it (list, get; its state, version, hosted agents, last error — never its token): every member of its
 *   workspace, viewers too (`gateways.read`); an agent reads the gateways of its own workspace, as it reads the
 *   crons that target it (read-only, like crons: AGENT_WORKSPACE_PERMISSIONS).
 * - register, edit, delete, ask for a sync, "add as agent": workspace admins and owners (`gateways.manage`), the
 *   instance admin everywhere. A member or viewer gets 403; an agent 403.
 * - link or unlink an agent (PUT|DELETE /agents/{id}/gateway-link): `agents.manage` in the agent's workspace, and
 *   the gateway must be in that same workspace.
 * - another workspace's gateway is 404, as one that does not exist; an archived workspace refuses every change
 *   (409 workspace_archived) except what takes access away (ADR 0003): deleting a gateway, unlinking an agent.
 */
export const GATEWAY_RULES = {
  readPermission: 'gateways.read',
  managePermission: 'gateways.manage',
  linkPermission: 'agents.manage',
  agentsMayRead: true,
  agentsMayManage: false,
  /** Writes an archived workspace still takes (they take access away). */
  allowedWhileArchived: ['delete', 'unlink'],
} as const;

/** May a caller with this role in the gateway's workspace manage it (the instance admin acts as owner)? */
export function gatewayAbilities(role: WorkspaceRole | 'agent') {
  const manage = role !== 'agent' && roleAllows(role, GATEWAY_RULES.managePermission);
  const link = role !== 'agent' && roleAllows(role, GATEWAY_RULES.linkPermission);
  return { edit: manage, delete: manage, sync: manage, addAgent: manage, link };
}

/**
 * A gateway's live state, written by the process that owns its connection (never by a request):
 * - connecting: registered or changed, not connected yet (or reconnecting after a drop);
 * - connected: the v4 handshake succeeded (`hello-ok`);
 * - unreachable: no connection (refused, timed out, dead after missed ticks, address refused by the rules);
 * - unauthorized: the gateway refused the token or the device (pairing not approved).
 */
export const GATEWAY_STATES = ['connecting', 'connected', 'unreachable', 'unauthorized'] as const;
export type GatewayState = (typeof GATEWAY_STATES)[number];
/** A new gateway, and one whose URL or token changed, is `connecting` until the connection owner reports. */
export const GATEWAY_INITIAL_STATE: GatewayState = 'connecting';
/** Which changes put a gateway back to its initial state (the connection must be made again). */
export const GATEWAY_RECONNECT_FIELDS = ['url', 'token'] as const;

/** Where a gateway may be (gateway-address.ts applies these). */
export const GATEWAY_ADDRESS_RULES = {
  schemes: ['ws:', 'wss:'],
  /** An instance admin may register a gateway at a private or loopback address (or a local-only name). */
  instanceAdminMayUsePrivate: true,
  /** Workspace admins: public addresses, or hosts/CIDRs listed in MC_GATEWAY_ALLOWED_HOSTS. */
  allowedHostsVariable: 'MC_GATEWAY_ALLOWED_HOSTS',
  /** Link-local (169.254/16, fe80::/10) and cloud metadata addresses: never, for anyone. */
  neverAllowed: ['link-local', 'cloud metadata'],
} as const;

/** Bounds of what is stored (the contract validates the same numbers at the door). */
export const GATEWAY_LIMITS = {
  nameMax: 100,
  urlMax: 2000,
  tokenMax: 4096,
  /** Hosted agents kept from `agents.list` (a gateway hosting more is cut, and says so in `agentsTruncated`). */
  hostedAgentsMax: 500,
  hostedAgentIdMax: 200,
  hostedAgentNameMax: 200,
  lastErrorMax: 1000,
  serverVersionMax: 100,
} as const;

/** A hosted agent's id, as OpenClaw writes agent ids (bounded; the link stores it). */
export const GATEWAY_AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/** Where each sealed column's values are bound (the AAD of shared/secrets.ts): a ciphertext opens only in its own row and column. */
export const gatewaySecretContext = (column: 'token' | 'device_identity' | 'webhook_token', gatewayId: string) => `gateways.${column}:${gatewayId}`;
