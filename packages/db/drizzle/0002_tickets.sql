CREATE TABLE "comments" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"ticket_id" text NOT NULL,
	"author_kind" text NOT NULL,
	"author_id" text,
	"author_name" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "epics" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mentions" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"ticket_id" text NOT NULL,
	"comment_id" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pr_links" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"ticket_id" text NOT NULL,
	"comment_id" text,
	"provider" text NOT NULL,
	"repo" text NOT NULL,
	"number" integer NOT NULL,
	"url" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'todo' NOT NULL,
	"priority" integer DEFAULT 2 NOT NULL,
	"labels" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"epic_id" text,
	"required_capabilities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"wiki_refs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"assignee_agent_id" text,
	"assignee_user_id" text,
	"claimed_by_agent_id" text,
	"claimed_at" timestamp with time zone,
	"lease_expires_at" timestamp with time zone,
	"closed_reason" text,
	"created_by_kind" text NOT NULL,
	"created_by_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "default_repository" text;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "ticket_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "epics" ADD CONSTRAINT "epics_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentions" ADD CONSTRAINT "mentions_comment_id_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "public"."comments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pr_links" ADD CONSTRAINT "pr_links_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_epic_id_epics_id_fk" FOREIGN KEY ("epic_id") REFERENCES "public"."epics"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "comments_ticket_idx" ON "comments" USING btree ("ticket_id","created_at","id");--> statement-breakpoint
CREATE INDEX "epics_workspace_idx" ON "epics" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "mentions_comment_idx" ON "mentions" USING btree ("comment_id");--> statement-breakpoint
CREATE INDEX "mentions_target_idx" ON "mentions" USING btree ("target_kind","target_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "pr_links_ticket_url_key" ON "pr_links" USING btree ("ticket_id","url");--> statement-breakpoint
CREATE INDEX "pr_links_url_idx" ON "pr_links" USING btree ("url");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_workspace_number_key" ON "tickets" USING btree ("workspace_id","number");--> statement-breakpoint
CREATE INDEX "tickets_available_idx" ON "tickets" USING btree ("workspace_id","priority","created_at","id") WHERE "tickets"."status" = 'todo' AND "tickets"."claimed_by_agent_id" IS NULL;--> statement-breakpoint
CREATE INDEX "tickets_workspace_status_idx" ON "tickets" USING btree ("workspace_id","status","updated_at");--> statement-breakpoint
CREATE INDEX "tickets_claimed_by_idx" ON "tickets" USING btree ("claimed_by_agent_id") WHERE "tickets"."claimed_by_agent_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_lease_idx" ON "tickets" USING btree ("lease_expires_at") WHERE "tickets"."status" = 'in_progress' AND "tickets"."lease_expires_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_epic_idx" ON "tickets" USING btree ("epic_id");