CREATE TABLE "execution_stats_daily" (
	"workspace_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"model" text DEFAULT '' NOT NULL,
	"day" date NOT NULL,
	"attempted" integer DEFAULT 0 NOT NULL,
	"succeeded" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"blocked" integer DEFAULT 0 NOT NULL,
	"tokens_in" bigint DEFAULT 0 NOT NULL,
	"tokens_out" bigint DEFAULT 0 NOT NULL,
	"api_calls" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(18, 6) DEFAULT '0' NOT NULL,
	"duration_ms" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "execution_stats_daily_workspace_id_day_agent_id_model_pk" PRIMARY KEY("workspace_id","day","agent_id","model")
);
--> statement-breakpoint
CREATE TABLE "executions" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"ticket_id" text,
	"cron_run_id" text,
	"workflow_step_id" text,
	"status" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"duration_ms" bigint,
	"tokens_in" bigint DEFAULT 0 NOT NULL,
	"tokens_out" bigint DEFAULT 0 NOT NULL,
	"api_calls" integer DEFAULT 0 NOT NULL,
	"model" text,
	"cost_usd" numeric(18, 6),
	"cost_source" text,
	"price_id" text,
	"decisions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"summary" text,
	"stop_requested_at" timestamp with time zone,
	"last_report_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(model, '') || ' ' || coalesce(summary, '') || ' ' || left(decisions::text, 200000))) STORED
);
--> statement-breakpoint
CREATE TABLE "model_prices" (
	"id" text PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"input_usd_per_mtok" numeric(18, 6) NOT NULL,
	"output_usd_per_mtok" numeric(18, 6) NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ratings" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_id" text NOT NULL,
	"agent_id" text,
	"user_id" text NOT NULL,
	"rating" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_usage" (
	"workspace_id" text NOT NULL,
	"month" date NOT NULL,
	"tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(18, 6) DEFAULT '0' NOT NULL,
	"token_warned_at" timestamp with time zone,
	"cost_warned_at" timestamp with time zone,
	"token_exceeded_at" timestamp with time zone,
	"cost_exceeded_at" timestamp with time zone,
	"blocked" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspace_usage_workspace_id_month_pk" PRIMARY KEY("workspace_id","month")
);
--> statement-breakpoint
ALTER TABLE "activity" ADD COLUMN "status" text;--> statement-breakpoint
ALTER TABLE "activity" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, replace(action, '.', ' ') || ' ' || actor_name || ' ' || summary)) STORED;--> statement-breakpoint
ALTER TABLE "executions" ADD CONSTRAINT "executions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_usage" ADD CONSTRAINT "workspace_usage_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "execution_stats_agent_day_idx" ON "execution_stats_daily" USING btree ("agent_id","day");--> statement-breakpoint
CREATE INDEX "executions_workspace_started_idx" ON "executions" USING btree ("workspace_id","started_at","id");--> statement-breakpoint
CREATE INDEX "executions_agent_started_idx" ON "executions" USING btree ("agent_id","started_at","id");--> statement-breakpoint
CREATE INDEX "executions_ticket_idx" ON "executions" USING btree ("ticket_id","started_at") WHERE "executions"."ticket_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "executions_status_started_idx" ON "executions" USING btree ("workspace_id","status","started_at");--> statement-breakpoint
CREATE INDEX "executions_started_idx" ON "executions" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "executions_search_idx" ON "executions" USING gin ("search");--> statement-breakpoint
CREATE UNIQUE INDEX "model_prices_model_from_key" ON "model_prices" USING btree ("model","effective_from");--> statement-breakpoint
CREATE UNIQUE INDEX "ratings_target_user_key" ON "ratings" USING btree ("target_kind","target_id","user_id");--> statement-breakpoint
CREATE INDEX "ratings_agent_idx" ON "ratings" USING btree ("agent_id","updated_at");--> statement-breakpoint
CREATE INDEX "ratings_workspace_idx" ON "ratings" USING btree ("workspace_id","updated_at");--> statement-breakpoint
CREATE INDEX "activity_search_idx" ON "activity" USING gin ("search");--> statement-breakpoint
-- Seed prices: public list prices (USD per million input/output tokens) as published by the providers in 2025.
-- The instance admin adds newer versions from the dashboard or `POST /api/v1/model-prices`; these rows are never edited.
INSERT INTO "model_prices" ("id", "model", "input_usd_per_mtok", "output_usd_per_mtok", "effective_from", "note") VALUES
  ('prc_seed_gpt_4o', 'gpt-4o', 2.50, 10.00, '2025-01-01T00:00:00Z', 'seeded: OpenAI list price'),
  ('prc_seed_gpt_4o_mini', 'gpt-4o-mini', 0.15, 0.60, '2025-01-01T00:00:00Z', 'seeded: OpenAI list price'),
  ('prc_seed_gpt_4_1', 'gpt-4.1', 2.00, 8.00, '2025-01-01T00:00:00Z', 'seeded: OpenAI list price'),
  ('prc_seed_gpt_4_1_mini', 'gpt-4.1-mini', 0.40, 1.60, '2025-01-01T00:00:00Z', 'seeded: OpenAI list price'),
  ('prc_seed_o3', 'o3', 2.00, 8.00, '2025-01-01T00:00:00Z', 'seeded: OpenAI list price'),
  ('prc_seed_claude_sonnet_4', 'claude-sonnet-4', 3.00, 15.00, '2025-01-01T00:00:00Z', 'seeded: Anthropic list price'),
  ('prc_seed_claude_opus_4', 'claude-opus-4', 15.00, 75.00, '2025-01-01T00:00:00Z', 'seeded: Anthropic list price'),
  ('prc_seed_claude_3_5_haiku', 'claude-3-5-haiku', 0.80, 4.00, '2025-01-01T00:00:00Z', 'seeded: Anthropic list price'),
  ('prc_seed_gemini_2_5_pro', 'gemini-2.5-pro', 1.25, 10.00, '2025-01-01T00:00:00Z', 'seeded: Google list price (prompts up to 200k tokens)'),
  ('prc_seed_gemini_2_5_flash', 'gemini-2.5-flash', 0.30, 2.50, '2025-01-01T00:00:00Z', 'seeded: Google list price');
