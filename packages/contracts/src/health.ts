import { z } from './z';

export const ZHealth = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    database: z.enum(['pglite', 'postgres']),
    uptimeSeconds: z.number(),
  })
  .openapi('Health');
