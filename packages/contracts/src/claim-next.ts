import { CAPABILITY_PATTERN, MAX_CAPABILITIES } from './agents';
import { z } from './z';

/** The longest wait of a long-poll (`GET /tickets/available?wait=`, `POST /tickets/claim-next`), in seconds. */
const MAX_WAIT_SECONDS = 60;

export const ZClaimNextRequest = z
  .object({
    capabilities: z
      .array(z.string().regex(CAPABILITY_PATTERN, 'lowercase capability name').openapi({ maxLength: 64 }))
      .max(MAX_CAPABILITIES, `at most ${MAX_CAPABILITIES} capabilities`)
      .optional()
      .openapi({
        description:
          "Only consider tickets whose required capabilities are within these: some of your own capabilities (e.g. to keep a GPU free for GPU work). Default: all of yours. A capability you do not have is 400 VALIDATION_ERROR naming it. It never lets you take a ticket that requires a capability you lack.",
      }),
    wait: z
      .number()
      .int()
      .min(0)
      .max(MAX_WAIT_SECONDS)
      .default(0)
      .openapi({ description: 'Long-poll: when nothing is available now, hold the request up to this many seconds for a ticket to appear (0: answer at once)' }),
  })
  .strict()
  .openapi('ClaimNextRequest');
