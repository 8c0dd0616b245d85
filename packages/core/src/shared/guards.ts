import type { AgentPrincipal, Ctx, UserPrincipal } from '../context';
import { forbidden, unauthenticated } from '../errors';

/** The calling human; an agent is refused with 403 (it is authenticated, just not a person), others 401. */
export function requireUser(ctx: Ctx): UserPrincipal {
  if (ctx.principal.kind === 'agent') throw forbidden('this is for people; agents cannot do it');
  if (ctx.principal.kind !== 'user') throw unauthenticated();
  return ctx.principal;
}

/** The calling agent; a person is refused with 403, others 401. */
export function requireAgent(ctx: Ctx): AgentPrincipal {
  if (ctx.principal.kind === 'user') throw forbidden('this is for agents; sign in as an agent key');
  if (ctx.principal.kind !== 'agent') throw unauthenticated();
  return ctx.principal;
}

/** A person or an agent. */
export function requirePrincipal(ctx: Ctx): UserPrincipal | AgentPrincipal {
  if (ctx.principal.kind !== 'user' && ctx.principal.kind !== 'agent') throw unauthenticated();
  return ctx.principal;
}

/** The calling instance admin, or 403 (a signed-in user may know admin endpoints exist). */
export function requireInstanceAdmin(ctx: Ctx): UserPrincipal {
  const me = requireUser(ctx);
  if (!me.isInstanceAdmin) throw forbidden('only an instance admin can do this');
  return me;
}
