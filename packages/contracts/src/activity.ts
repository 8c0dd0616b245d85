import { ZIsoDate } from './common';
import { z } from './z';

export const ZActivity = z
  .object({
    id: z.string(),
    workspaceId: z.string().nullable(),
    actor: z.object({
      kind: z.enum(['user', 'agent', 'system']),
      id: z.string().nullable(),
      name: z.string(),
    }),
    action: z.string().openapi({ example: 'workspace.member_added' }),
    target: z.object({ kind: z.string(), id: z.string().nullable() }),
    summary: z.string(),
    status: z.string().nullable().openapi({
      description: 'Outcome of the action where it has one (a ticket\'s new status, an execution\'s status); null otherwise',
      example: 'done',
    }),
    metadata: z.record(z.string(), z.unknown()),
    requestId: z.string().nullable(),
    createdAt: ZIsoDate,
  })
  .openapi('Activity');
