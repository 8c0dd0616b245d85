CREATE INDEX "tickets_workspace_created_idx" ON "tickets" USING btree ("workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "tickets_workspace_updated_idx" ON "tickets" USING btree ("workspace_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "tickets_workspace_priority_idx" ON "tickets" USING btree ("workspace_id","priority","id");--> statement-breakpoint
CREATE INDEX "tickets_workspace_status_id_idx" ON "tickets" USING btree ("workspace_id","status","id");--> statement-breakpoint
CREATE INDEX "tickets_assignee_agent_idx" ON "tickets" USING btree ("assignee_agent_id","created_at","id") WHERE "tickets"."assignee_agent_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_assignee_user_idx" ON "tickets" USING btree ("assignee_user_id","created_at","id") WHERE "tickets"."assignee_user_id" IS NOT NULL;