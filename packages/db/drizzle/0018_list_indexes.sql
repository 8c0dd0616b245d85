DROP INDEX "agents_workspace_status_idx";--> statement-breakpoint
DROP INDEX "executions_status_started_idx";--> statement-breakpoint
DROP INDEX "notifications_unread_idx";--> statement-breakpoint
CREATE INDEX "agents_workspace_created_idx" ON "agents" USING btree ("workspace_id","created_at","id") WHERE "agents"."status" <> 'deleted';--> statement-breakpoint
CREATE INDEX "agents_workspace_updated_idx" ON "agents" USING btree ("workspace_id","updated_at","id") WHERE "agents"."status" <> 'deleted';--> statement-breakpoint
CREATE INDEX "agents_workspace_sort_name_idx" ON "agents" USING btree ("workspace_id","name","id") WHERE "agents"."status" <> 'deleted';--> statement-breakpoint
CREATE INDEX "agents_workspace_status_id_idx" ON "agents" USING btree ("workspace_id","status","id") WHERE "agents"."status" <> 'deleted';--> statement-breakpoint
CREATE INDEX "memberships_workspace_created_idx" ON "memberships" USING btree ("workspace_id","created_at","user_id");--> statement-breakpoint
CREATE INDEX "memberships_workspace_role_idx" ON "memberships" USING btree ("workspace_id","role","user_id");--> statement-breakpoint
CREATE INDEX "notifications_recipient_workspace_idx" ON "notifications" USING btree ("recipient_kind","recipient_id","workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "users_sort_email_idx" ON "users" USING btree ("email","id");--> statement-breakpoint
CREATE INDEX "users_name_idx" ON "users" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "users_created_idx" ON "users" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_workspace_next_idx" ON "webhook_deliveries" USING btree ("workspace_id","next_attempt_at","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_workspace_last_idx" ON "webhook_deliveries" USING btree ("workspace_id","last_attempt_at","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_workspace_status_idx" ON "webhook_deliveries" USING btree ("workspace_id","status","created_at","id");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_workspace_url_idx" ON "webhook_endpoints" USING btree ("workspace_id","url","id");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_workspace_status_idx" ON "webhook_endpoints" USING btree ("workspace_id","status","id");--> statement-breakpoint
CREATE INDEX "agents_workspace_status_idx" ON "agents" USING btree ("workspace_id","status","created_at","id");--> statement-breakpoint
CREATE INDEX "executions_status_started_idx" ON "executions" USING btree ("workspace_id","status","started_at","id");--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("recipient_kind","recipient_id","created_at","id") WHERE "notifications"."read_at" IS NULL;