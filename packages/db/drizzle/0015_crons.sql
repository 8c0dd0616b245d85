CREATE TABLE "cron_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"cron_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"slot" timestamp with time zone NOT NULL,
	"trigger" text DEFAULT 'schedule' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"reason" text,
	"attempt" integer DEFAULT 1 NOT NULL,
	"attempts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"due_at" timestamp with time zone,
	"deadline_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"duration_ms" bigint,
	"output" text,
	"ticket_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cron_targets" (
	"cron_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "cron_targets_cron_id_agent_id_pk" PRIMARY KEY("cron_id","agent_id")
);
--> statement-breakpoint
CREATE TABLE "crons" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"schedule" text NOT NULL,
	"schedule_kind" text NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"task" jsonb NOT NULL,
	"retry" jsonb NOT NULL,
	"concurrency" text DEFAULT 'skip' NOT NULL,
	"catch_up" text DEFAULT 'once' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"owner" text DEFAULT 'mission_control' NOT NULL,
	"gateway_id" text,
	"gateway_job_id" text,
	"next_due_at" timestamp with time zone,
	"last_slot_at" timestamp with time zone,
	"failure_streak" integer DEFAULT 0 NOT NULL,
	"last_run_at" timestamp with time zone,
	"last_run_status" text,
	"paused_reason" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cron_runs" ADD CONSTRAINT "cron_runs_cron_id_crons_id_fk" FOREIGN KEY ("cron_id") REFERENCES "public"."crons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cron_runs" ADD CONSTRAINT "cron_runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cron_targets" ADD CONSTRAINT "cron_targets_cron_id_crons_id_fk" FOREIGN KEY ("cron_id") REFERENCES "public"."crons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cron_targets" ADD CONSTRAINT "cron_targets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cron_runs_slot_key" ON "cron_runs" USING btree ("cron_id","slot","agent_id");--> statement-breakpoint
CREATE INDEX "cron_runs_cron_idx" ON "cron_runs" USING btree ("cron_id","slot","id");--> statement-breakpoint
CREATE INDEX "cron_runs_workspace_idx" ON "cron_runs" USING btree ("workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "cron_runs_due_idx" ON "cron_runs" USING btree ("due_at","id") WHERE "cron_runs"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "cron_runs_deadline_idx" ON "cron_runs" USING btree ("deadline_at") WHERE "cron_runs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "cron_targets_workspace_idx" ON "cron_targets" USING btree ("workspace_id","cron_id");--> statement-breakpoint
CREATE INDEX "cron_targets_agent_idx" ON "cron_targets" USING btree ("agent_id","cron_id");--> statement-breakpoint
CREATE INDEX "crons_due_idx" ON "crons" USING btree ("next_due_at","id") WHERE "crons"."enabled" AND "crons"."next_due_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "crons_created_idx" ON "crons" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "crons_gateway_job_key" ON "crons" USING btree ("gateway_id","gateway_job_id") WHERE "crons"."gateway_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "executions_cron_run_idx" ON "executions" USING btree ("cron_run_id") WHERE "executions"."cron_run_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "execution_stats_daily" ADD COLUMN "cron_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "execution_stats_daily" DROP CONSTRAINT "execution_stats_daily_workspace_id_day_agent_id_model_pk";--> statement-breakpoint
ALTER TABLE "execution_stats_daily" ADD CONSTRAINT "execution_stats_daily_workspace_id_day_agent_id_model_cron_id_pk" PRIMARY KEY("workspace_id","day","agent_id","model","cron_id");--> statement-breakpoint
-- Hand-written (Drizzle's index builder has no INCLUDE): the covering (workspace_id, day) index of migration 0012 also
-- carries cron_id, so a workspace's costs by cron stay an index-only scan of the rollup.
DROP INDEX IF EXISTS "execution_stats_workspace_day_idx";--> statement-breakpoint
CREATE INDEX "execution_stats_workspace_day_idx" ON "execution_stats_daily" ("workspace_id", "day")
  INCLUDE ("agent_id", "model", "cron_id", "attempted", "succeeded", "failed", "blocked", "tokens_in", "tokens_out", "cost_usd", "duration_ms");
