-- Metrics read the daily rollup by (agent, day range) or (workspace, day range) and only sum its counters: with the
-- counters in the index, that is an index-only scan (an agent's year at 1M executions: ~45 index pages instead of
-- ~2,500 table pages, 6 → 1.8 ms; bench/README.md, bench:activity). Written by hand: Drizzle's index builder has no
-- INCLUDE, so packages/db/src/schema.ts declares only the keys of the agent index and names this file.
DROP INDEX IF EXISTS "execution_stats_agent_day_idx";--> statement-breakpoint
CREATE INDEX "execution_stats_agent_day_idx" ON "execution_stats_daily" ("agent_id", "day")
  INCLUDE ("workspace_id", "attempted", "succeeded", "failed", "blocked", "tokens_in", "tokens_out", "cost_usd", "duration_ms");--> statement-breakpoint
CREATE INDEX "execution_stats_workspace_day_idx" ON "execution_stats_daily" ("workspace_id", "day")
  INCLUDE ("agent_id", "model", "attempted", "succeeded", "failed", "blocked", "tokens_in", "tokens_out", "cost_usd", "duration_ms");
