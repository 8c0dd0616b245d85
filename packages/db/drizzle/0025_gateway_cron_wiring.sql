DROP INDEX "crons_due_idx";--> statement-breakpoint
ALTER TABLE "crons" ADD COLUMN "conflict_resolution" text;--> statement-breakpoint
ALTER TABLE "gateways" ADD COLUMN "webhook_token_ciphertext" text;--> statement-breakpoint
ALTER TABLE "gateways" ADD COLUMN "cron_sync_notes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "crons_due_idx" ON "crons" USING btree ("next_due_at","id") WHERE "crons"."enabled" AND "crons"."next_due_at" IS NOT NULL AND "crons"."gateway_id" IS NULL;