-- Lists at a million rows (bench/README.md, bench:activity; docs/adr/0006-word-search.md).
-- 1. Word search newest first: btree_gin gives GIN operator classes for text and integers, so one GIN index holds the
--    workspace, a 7-day bucket of the time and the words; `?q=` in a workspace, in the last weeks, or both, is one
--    index scan that intersects their postings. btree_gin ships with PostgreSQL (contrib) and PGlite (loaded by
--    packages/db's client); it is a trusted extension, so a database owner may create it.
-- 2. `?action=family.*` as a walk in time order (generated action_family).
-- 3. Executions sorted by cost or duration in a workspace as a walk instead of a sort of every run.
-- Each table is rewritten once (one ALTER TABLE per table for its generated columns).
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
DROP INDEX "activity_search_idx";--> statement-breakpoint
DROP INDEX "executions_search_idx";--> statement-breakpoint
ALTER TABLE "activity"
  ADD COLUMN "action_family" text GENERATED ALWAYS AS (split_part(action, '.', 1)) STORED,
  ADD COLUMN "created_week" integer GENERATED ALWAYS AS ((((created_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01') / 7)) STORED;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "started_week" integer GENERATED ALWAYS AS ((((started_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01') / 7)) STORED;--> statement-breakpoint
CREATE INDEX "activity_family_created_idx" ON "activity" USING btree ("action_family","created_at","id");--> statement-breakpoint
CREATE INDEX "executions_workspace_cost_idx" ON "executions" USING btree ("workspace_id",coalesce("cost_usd", -1),"id");--> statement-breakpoint
CREATE INDEX "executions_workspace_duration_idx" ON "executions" USING btree ("workspace_id",coalesce("duration_ms", -1),"id");--> statement-breakpoint
CREATE INDEX "activity_search_idx" ON "activity" USING gin ("workspace_id","created_week","search") WITH (gin_pending_list_limit=256);--> statement-breakpoint
CREATE INDEX "executions_search_idx" ON "executions" USING gin ("workspace_id","started_week","search") WITH (gin_pending_list_limit=256);
