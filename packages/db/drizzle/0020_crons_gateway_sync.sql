ALTER TABLE "crons" ADD COLUMN "sync_state" text;--> statement-breakpoint
ALTER TABLE "crons" ADD COLUMN "sync_fingerprint" text;--> statement-breakpoint
ALTER TABLE "crons" ADD COLUMN "gateway_fingerprint" text;--> statement-breakpoint
ALTER TABLE "crons" ADD COLUMN "last_synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "crons" ADD COLUMN "sync_error" text;--> statement-breakpoint
ALTER TABLE "crons" ADD COLUMN "read_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "crons" ADD COLUMN "read_only_reason" text;--> statement-breakpoint
ALTER TABLE "crons" ADD COLUMN "missed_run_policy" text DEFAULT 'record' NOT NULL;--> statement-breakpoint
ALTER TABLE "crons" ADD COLUMN "missed_streak" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "crons" ADD COLUMN "missed_resume_at" timestamp with time zone;