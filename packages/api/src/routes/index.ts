// Every route of /api/v1, one file per resource, named after the paths it serves (`/workspaces/{id}/budget` →
// budgets.ts, `/links/pull-requests` → links.ts); actions on a resource (`/agents/{id}/approve`,
// `/tickets/{id}/claim`) stay with it. The order of registration is the order of the OpenAPI document.
import type { RouteBuilder } from '../http';
import { registerActivityRoutes } from './activity';
import { registerAgentRoutes } from './agents';
import { registerApiKeyRoutes } from './api-keys';
import { registerAuthRoutes } from './auth';
import { registerBudgetRoutes } from './budgets';
import { registerCommentRoutes } from './comments';
import { registerCostRoutes } from './costs';
import { registerCronRoutes } from './crons';
import { registerEpicRoutes } from './epics';
import { registerEventRoutes } from './events';
import { registerExecutionRoutes } from './executions';
import { registerGatewayRoutes } from './gateways';
import { registerHealthRoutes } from './health';
import { registerInvitationRoutes } from './invitations';
import { registerLinkRoutes } from './links';
import { registerMeRoutes } from './me';
import { registerMemberRoutes } from './members';
import { registerMetricsRoutes } from './metrics';
import { registerModelPriceRoutes } from './model-prices';
import { registerNotificationRoutes } from './notifications';
import { registerRatingRoutes } from './ratings';
import { registerSettingsRoutes } from './settings';
import { registerSetupRoutes } from './setup';
import { registerTicketRoutes } from './tickets';
import { registerUserRoutes } from './users';
import { registerWebhookDeliveryRoutes } from './webhook-deliveries';
import { registerWebhookRoutes } from './webhooks';
import { registerWorkspaceRoutes } from './workspaces';

export function registerRoutes(r: RouteBuilder) {
  registerHealthRoutes(r);
  registerSetupRoutes(r);
  registerAuthRoutes(r);
  registerMeRoutes(r);
  registerApiKeyRoutes(r);
  registerUserRoutes(r);
  registerWorkspaceRoutes(r);
  registerBudgetRoutes(r);
  registerMemberRoutes(r);
  registerInvitationRoutes(r);
  registerSettingsRoutes(r);
  registerActivityRoutes(r);
  registerAgentRoutes(r);
  registerTicketRoutes(r);
  registerCommentRoutes(r);
  registerLinkRoutes(r);
  registerEpicRoutes(r);
  registerEventRoutes(r);
  registerNotificationRoutes(r);
  registerWebhookRoutes(r);
  registerWebhookDeliveryRoutes(r);
  registerMetricsRoutes(r);
  registerCostRoutes(r);
  registerRatingRoutes(r);
  registerExecutionRoutes(r);
  registerModelPriceRoutes(r);
  registerCronRoutes(r);
  registerGatewayRoutes(r);
}
