// Response shapes of the API, taken from the contracts as types only (nothing of zod reaches the browser bundle).
import type {
  WorkspaceRole as ContractRole,
  ZActivity,
  ZApiKey,
  ZBudget,
  ZCreatedApiKey,
  ZCostBreakdown,
  ZCreatedUser,
  ZMetrics,
  ZMetricsPeriod,
  ZExecution,
  ZModelPrice,
  ZWorkspaceBudgetStatus,
  ZFieldIssue,
  ZMe,
  ZMember,
  ZInvitation,
  ZInvitationSent,
  ZMyInvitation,
  ZUser,
  ZWorkspace,
} from '@mc/contracts';
import type { z } from 'zod';

export type WorkspaceRole = ContractRole;
export type Workspace = z.infer<typeof ZWorkspace>;
export type Budget = z.infer<typeof ZBudget>;
export type Member = z.infer<typeof ZMember>;
/** A workspace's invitation as its admins see it; `InvitationSent` is the 202 of adding someone. */
export type Invitation = z.infer<typeof ZInvitation>;
export type InvitationSent = z.infer<typeof ZInvitationSent>;
/** An invitation as its invitee sees it (GET /me/invitations). */
export type MyInvitation = z.infer<typeof ZMyInvitation>;
export type User = z.infer<typeof ZUser>;
export type CreatedUser = z.infer<typeof ZCreatedUser>;
export type Me = z.infer<typeof ZMe>;
export type ApiKey = z.infer<typeof ZApiKey>;
export type CreatedApiKey = z.infer<typeof ZCreatedApiKey>;
export type Activity = z.infer<typeof ZActivity>;
export type FieldIssue = z.infer<typeof ZFieldIssue>;

/** Kept in step with WORKSPACE_ROLES in @mc/contracts (a value import would pull zod into the page bundle). */
export const ROLES: readonly WorkspaceRole[] = ['owner', 'admin', 'member', 'viewer'];

export const ROLE_LABEL: Record<WorkspaceRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member', viewer: 'Viewer' };

// ---------------------------------------------------------------------------------------------------- issue 6
// Executions, prices, budget state, metrics, costs and ratings.

export type Execution = z.infer<typeof ZExecution>;
export type ExecutionStatus = Execution['status'];
export type CostSource = NonNullable<Execution['costSource']>;
export type Decision = Execution['decisions'][number];
export type ModelPrice = z.infer<typeof ZModelPrice>;
export type BudgetStatus = z.infer<typeof ZWorkspaceBudgetStatus>;
export type MetricsPeriod = z.infer<typeof ZMetricsPeriod>;
export type Metrics = z.infer<typeof ZMetrics>;
export type MetricsBucket = Metrics['series'][number];
export type CostBreakdown = z.infer<typeof ZCostBreakdown>;
