import type { Db } from '@mc/db';
import { sql } from 'drizzle-orm';

/** How long health waits for the database: a health check must answer quickly even when the server is silent. */
export const HEALTH_PING_TIMEOUT_MS = 2_000;

/** True when the database answers a trivial query within `timeoutMs`. */
export async function pingDatabase(db: Db, timeoutMs = HEALTH_PING_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([db.execute(sql`SELECT 1`).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
