CREATE TABLE "run_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"workspace_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"execution_id" text NOT NULL,
	"ticket_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "gateway_id" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "gateway_run_id" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "dispatch_state" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "gateway_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "gateway_deadline_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "gateway_session_key" text;--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "gateway_task" jsonb;--> statement-breakpoint
ALTER TABLE "run_tokens" ADD CONSTRAINT "run_tokens_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_tokens" ADD CONSTRAINT "run_tokens_execution_id_executions_id_fk" FOREIGN KEY ("execution_id") REFERENCES "public"."executions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "run_tokens_token_hash_key" ON "run_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "run_tokens_execution_idx" ON "run_tokens" USING btree ("execution_id");--> statement-breakpoint
CREATE INDEX "executions_gateway_dispatch_idx" ON "executions" USING btree ("gateway_id","dispatch_state","started_at") WHERE "executions"."dispatch_state" IN ('queued', 'sent', 'running');