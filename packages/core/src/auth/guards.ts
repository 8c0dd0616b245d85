import type { Ctx, UserPrincipal } from '../context';
import { forbidden, unauthenticated } from '../errors';

/** The calling human, or 401. */
export function requireUser(ctx: Ctx): UserPrincipal {
  if (ctx.principal.kind !== 'user') throw unauthenticated();
  return ctx.principal;
}

/** The calling instance admin, or 403 (a signed-in user may know admin endpoints exist). */
export function requireInstanceAdmin(ctx: Ctx): UserPrincipal {
  const me = requireUser(ctx);
  if (!me.isInstanceAdmin) throw forbidden('only an instance admin can do this');
  return me;
}
