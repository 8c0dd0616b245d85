import { z } from './z';

/** The closed set of error codes of the API, with their HTTP status (../shared/API.md). */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  UNAUTHENTICATED: 401,
  BUDGET_EXCEEDED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** One field that failed validation: where it was (`body`, `query`, `path`, `header`), its path and why. */
export const ZFieldIssue = z
  .object({
    field: z.string().openapi({ example: 'slug' }),
    in: z.enum(['body', 'query', 'path', 'header']),
    message: z.string(),
    code: z.string().optional(),
  })
  .openapi('FieldIssue');
export type FieldIssue = z.infer<typeof ZFieldIssue>;

export const ZErrorEnvelope = z
  .object({
    success: z.literal(false),
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      requestId: z.string(),
      details: z.record(z.string(), z.unknown()).optional().openapi({
        description: 'Machine-readable context: `issues` (FieldIssue[], the first 20; `moreIssues` counts any others) for validation errors, `allowed` for refused transitions, …',
      }),
    }),
  })
  .openapi('Error');
