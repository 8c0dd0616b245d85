-- Activity search at a million rows (bench/README.md, bench:activity): action and status indexes that serve a filter
-- inside one workspace as an ordered walk, and a GIN pending list small enough that a search does not read 4 MB of it.
DROP INDEX "activity_action_created_idx";--> statement-breakpoint
-- Same index as drizzle's snapshot (gin_pending_list_limit=256), set in place instead of rebuilt.
ALTER INDEX "activity_search_idx" SET (gin_pending_list_limit = 256);--> statement-breakpoint
CREATE INDEX "activity_action_workspace_created_idx" ON "activity" USING btree ("action" text_pattern_ops,"workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "activity_status_workspace_created_idx" ON "activity" USING btree ("status","workspace_id","created_at","id") WHERE "activity"."status" IS NOT NULL;
