import { ZDateTime, ZEmail, ZIsoDate, ZVersion } from './common';
import { z } from './z';

export const PASSWORD_MIN_LENGTH = 10;
export const ZPassword = z.string().min(PASSWORD_MIN_LENGTH).max(200);

export const ZLoginRequest = z
  .object({ email: ZEmail, password: z.string().min(1).max(200) })
  .strict()
  .openapi('LoginRequest');

export const ZSetupRequest = z
  .object({ email: ZEmail, name: z.string().trim().min(1).max(100), password: ZPassword })
  .strict()
  .openapi('SetupRequest');

export const ZSetupStatus = z.object({ needsSetup: z.boolean() }).openapi('SetupStatus');

export const ZSetPasswordRequest = z
  .object({ token: z.string().min(10).max(200), password: ZPassword })
  .strict()
  .openapi('SetPasswordRequest');

export const ZUser = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    isInstanceAdmin: z.boolean(),
    disabled: z.boolean(),
    hasPassword: z.boolean(),
    createdAt: ZIsoDate,
    updatedAt: ZIsoDate,
    version: z.number().int(),
  })
  .openapi('User');
export type User = z.infer<typeof ZUser>;

export const ZMe = z
  .object({
    kind: z.literal('user'),
    user: ZUser,
    defaultWorkspaceId: z.string().nullable(),
    authenticatedBy: z.enum(['session', 'api_key']),
  })
  .openapi('Me');

export const ZApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first characters of the key, to tell keys apart' }),
    createdAt: ZIsoDate,
    lastUsedAt: ZIsoDate.nullable(),
    expiresAt: ZIsoDate.nullable(),
    revokedAt: ZIsoDate.nullable(),
  })
  .openapi('ApiKey');

export const ZCreatedApiKey = ZApiKey.extend({
  key: z
    .string()
    .nullable()
    .openapi({ description: 'The secret key. Shown only in this response; store it now. (null in an Idempotency-Key replay: secrets are never stored)' }),
}).openapi('CreatedApiKey');

export const ZCreateApiKeyRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    expiresAt: ZDateTime.optional(),
  })
  .strict()
  .openapi('CreateApiKeyRequest');

export const ZCreateUserRequest = z
  .object({
    email: ZEmail,
    name: z.string().trim().min(1).max(100),
    password: ZPassword.optional(),
    isInstanceAdmin: z.boolean().optional(),
  })
  .strict()
  .openapi('CreateUserRequest');

export const ZCreatedUser = ZUser.extend({
  setPasswordUrl: z
    .string()
    .nullable()
    .openapi({ description: 'One-time link (valid 7 days) to set a password; only when created without one' }),
}).openapi('CreatedUser');

export const ZUpdateUserRequest = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    isInstanceAdmin: z.boolean().optional(),
    disabled: z.boolean().optional(),
    version: ZVersion.optional(),
  })
  .strict()
  .openapi('UpdateUserRequest');
