import { ZIsoDate, ZSlug, ZVersion } from './common';
import { z } from './z';

import { INVITATION_STATUSES, WORKSPACE_ROLES } from './constants';

export { INVITATION_STATUSES, WORKSPACE_ROLES };
export const ZRole = z.enum(WORKSPACE_ROLES).openapi('WorkspaceRole');
export type WorkspaceRole = z.infer<typeof ZRole>;

const ZColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a hex color like #22aa55').openapi({ maxLength: 7 });
const ZEmoji = z.string().min(1).max(16);

export const ZBudget = z
  .object({
    monthlyTokenLimit: z.number().int().min(0).nullable().openapi({ description: 'Tokens per calendar month (UTC); null = no limit' }),
    monthlyCostLimitUsd: z.number().min(0).nullable().openapi({ description: 'USD per calendar month (UTC); null = no limit' }),
    hardStop: z.boolean().openapi({ description: 'At 100% refuse claims, dispatches, cron runs and workflow steps' }),
  })
  .openapi('Budget');

export const ZSetBudgetRequest = z
  .object({
    monthlyTokenLimit: z.number().int().min(0).max(1e15).nullable(),
    monthlyCostLimitUsd: z.number().min(0).max(1e9).nullable().optional(),
    hardStop: z.boolean(),
    version: ZVersion.optional(),
  })
  .strict()
  .openapi('SetBudgetRequest');

export const ZWorkspace = z
  .object({
    id: z.string().openapi({ example: 'wsp_01JD0000000000000000000000' }),
    slug: z.string(),
    name: z.string(),
    mission: z.string(),
    emoji: z.string(),
    color: z.string(),
    budget: ZBudget,
    defaultRepository: z.string().nullable().openapi({ description: '`owner/repo` that a bare `PR#123` refers to' }),
    archived: z.boolean(),
    archivedAt: ZIsoDate.nullable(),
    isDefault: z.boolean(),
    // Not `ZRole.nullable()`: zod-to-openapi would register that under ZRole's name, turning the shared
    // WorkspaceRole component nullable (and request bodies that take a role would document null as valid).
    role: z.enum(WORKSPACE_ROLES).nullable().openapi({ description: "The caller's role here (null for an instance admin who is not a member)" }),
    permissions: z
      .record(z.string(), z.boolean())
      .openapi({ description: 'What the caller may do here, by permission (`workspace.update`, `members.manage`, `tickets.write`, …)' }),
    grantableRoles: z.array(ZRole).openapi({ description: 'Roles the caller may give or take away' }),
    createdAt: ZIsoDate,
    updatedAt: ZIsoDate,
    version: z.number().int(),
  })
  .openapi('Workspace');
export type Workspace = z.infer<typeof ZWorkspace>;

export const ZCreateWorkspaceRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    slug: ZSlug,
    mission: z.string().max(2000).optional(),
    emoji: ZEmoji.optional(),
    color: ZColor.optional(),
  })
  .strict()
  .openapi('CreateWorkspaceRequest');

export const ZUpdateWorkspaceRequest = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    slug: ZSlug.optional(),
    mission: z.string().max(2000).optional(),
    emoji: ZEmoji.optional(),
    color: ZColor.optional(),
    defaultRepository: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'Use the form owner/repo (a GitHub repository), e.g. acme/rocket')
      .nullable()
      .optional(),
    archived: z.boolean().optional().openapi({ description: 'false restores an archived workspace (owner)' }),
    version: ZVersion.optional().openapi({ description: 'Expected version (or send If-Match)' }),
  })
  .strict()
  .openapi('UpdateWorkspaceRequest');

export const ZMember = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    role: ZRole,
    createdAt: ZIsoDate,
    updatedAt: ZIsoDate,
  })
  .openapi('Member');

export const ZAddMemberRequest = z
  .object({ email: z.email().max(254).transform((e) => e.toLowerCase()), role: ZRole.default('member') })
  .strict()
  .openapi('AddMemberRequest');

export const ZUpdateMemberRequest = z.object({ role: ZRole }).strict().openapi('UpdateMemberRequest');

// ---------------------------------------------------------------------------------------------------- invitations
// Adding someone who shares no workspace with the caller is an invitation (issue 11, ADR 0013): the answer never says
// whether the address belongs to a user of the instance.

export const ZInvitationStatus = z.enum(INVITATION_STATUSES).openapi('InvitationStatus');

/** An invitation as the workspace's admins see it: what they typed, never anything about the person. */
export const ZInvitation = z
  .object({
    id: z.string().openapi({ example: 'inv_01JD0000000000000000000000' }),
    workspaceId: z.string(),
    email: z.string(),
    role: ZRole,
    status: ZInvitationStatus,
    invitedBy: z.object({ id: z.string().nullable(), name: z.string() }),
    createdAt: ZIsoDate,
    updatedAt: ZIsoDate,
    expiresAt: ZIsoDate,
  })
  .openapi('Invitation');

/**
 * `202` of `POST /workspaces/{id}/members`: the same shape for every address, whether a user has it or not.
 */
export const ZInvitationSent = z
  .object({
    status: z.literal('invited'),
    invitation: ZInvitation,
  })
  .openapi('InvitationSent');

/** An invitation as its invitee sees it: which workspace, which role, from whom, until when. */
export const ZMyInvitation = z
  .object({
    id: z.string(),
    workspace: z.object({ id: z.string(), slug: z.string(), name: z.string(), emoji: z.string(), color: z.string() }),
    role: ZRole,
    status: ZInvitationStatus,
    invitedBy: z.object({ name: z.string() }),
    createdAt: ZIsoDate,
    expiresAt: ZIsoDate,
  })
  .openapi('MyInvitation');

export const ZDefaultWorkspaceRequest = z
  .object({ workspaceId: z.string().min(1).max(64).nullable() })
  .strict()
  .openapi('DefaultWorkspaceRequest');

export const ZDefaultWorkspace = z.object({ workspaceId: z.string().nullable() }).openapi('DefaultWorkspace');
