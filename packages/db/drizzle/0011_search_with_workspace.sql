-- Word search with the workspace in the same GIN index (bench/README.md, bench:activity): btree_gin gives GIN an
-- operator class for text, so `workspace_id = … AND search @@ …` is one index scan. btree_gin ships with PostgreSQL
-- (contrib) and PGlite (loaded by packages/db's client); it is a trusted extension, so a database owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
CREATE INDEX "activity_workspace_search_idx" ON "activity" USING gin ("workspace_id","search") WITH (gin_pending_list_limit=256);--> statement-breakpoint
CREATE INDEX "executions_workspace_search_idx" ON "executions" USING gin ("workspace_id","search") WITH (gin_pending_list_limit=256);--> statement-breakpoint
DROP INDEX "activity_search_idx";--> statement-breakpoint
DROP INDEX "executions_search_idx";
