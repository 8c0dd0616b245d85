-- Word search newest first at a million rows (bench/README.md, bench:activity; docs/adr/0006-word-search.md).
-- btree_gin gives GIN operator classes for text and integers, so one GIN index holds the workspace, a 7-day bucket
-- of the time and the words: `?q=` in a workspace, in the last weeks, or both, is one index scan that intersects
-- their postings. btree_gin ships with PostgreSQL (contrib) and PGlite (loaded by packages/db's client); it is a
-- trusted extension, so a database owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
DROP INDEX "activity_search_idx";--> statement-breakpoint
DROP INDEX "executions_search_idx";--> statement-breakpoint
ALTER TABLE "activity" ADD COLUMN "created_week" integer GENERATED ALWAYS AS ((((created_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01') / 7)) STORED;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "started_week" integer GENERATED ALWAYS AS ((((started_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01') / 7)) STORED;--> statement-breakpoint
CREATE INDEX "activity_search_idx" ON "activity" USING gin ("workspace_id","created_week","search") WITH (gin_pending_list_limit=256);--> statement-breakpoint
CREATE INDEX "executions_search_idx" ON "executions" USING gin ("workspace_id","started_week","search") WITH (gin_pending_list_limit=256);
