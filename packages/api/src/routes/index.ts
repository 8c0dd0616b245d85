import type { RouteBuilder } from '../http';
import { registerActivityRoutes } from './activity';
import { registerAgentRoutes } from './agents';
import { registerCommentRoutes } from './comments';
import { registerEventRoutes } from './events';
import { registerExecutionRoutes } from './executions';
import { registerNotificationRoutes } from './notifications';
import { registerTicketRoutes } from './tickets';
import { registerAuthRoutes } from './auth';
import { registerMemberRoutes } from './members';
import { registerMetaRoutes } from './meta';
import { registerMetricsRoutes } from './metrics';
import { registerSettingsRoutes } from './settings';
import { registerUserRoutes } from './users';
import { registerWebhookRoutes } from './webhooks';
import { registerWorkspaceRoutes } from './workspaces';

export function registerRoutes(r: RouteBuilder) {
  registerMetaRoutes(r);
  registerAuthRoutes(r);
  registerUserRoutes(r);
  registerWorkspaceRoutes(r);
  registerMemberRoutes(r);
  registerSettingsRoutes(r);
  registerActivityRoutes(r);
  registerAgentRoutes(r);
  registerTicketRoutes(r);
  registerCommentRoutes(r);
  registerEventRoutes(r);
  registerNotificationRoutes(r);
  registerWebhookRoutes(r);
  registerMetricsRoutes(r);
  registerExecutionRoutes(r);
}
