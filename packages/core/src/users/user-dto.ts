import type { users } from '@mc/db';

type UserRow = typeof users.$inferSelect;

/** The public shape of a user: never the password hash. */
export function toUserDto(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    isInstanceAdmin: u.isInstanceAdmin,
    disabled: u.disabledAt !== null,
    hasPassword: u.passwordHash !== null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
    version: u.version,
  };
}
export type UserDto = ReturnType<typeof toUserDto>;
