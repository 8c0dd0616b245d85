CREATE TABLE "gateways" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"token_ciphertext" text NOT NULL,
	"token_updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"device_identity_ciphertext" text,
	"allow_private" boolean DEFAULT false NOT NULL,
	"state" text DEFAULT 'connecting' NOT NULL,
	"server_version" text,
	"protocol" integer,
	"agents" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"state_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone,
	"sync_requested_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "gateway_id" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "gateway_agent_id" text;--> statement-breakpoint
ALTER TABLE "gateways" ADD CONSTRAINT "gateways_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "gateways_workspace_name_key" ON "gateways" USING btree ("workspace_id",lower("name"));--> statement-breakpoint
CREATE INDEX "gateways_workspace_created_idx" ON "gateways" USING btree ("workspace_id","created_at","id");--> statement-breakpoint
CREATE INDEX "gateways_workspace_sort_name_idx" ON "gateways" USING btree ("workspace_id","name","id");--> statement-breakpoint
CREATE INDEX "gateways_workspace_state_idx" ON "gateways" USING btree ("workspace_id","state","id");--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_gateway_id_gateways_id_fk" FOREIGN KEY ("gateway_id") REFERENCES "public"."gateways"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agents_gateway_agent_key" ON "agents" USING btree ("gateway_id","gateway_agent_id") WHERE "agents"."gateway_id" IS NOT NULL AND "agents"."status" <> 'deleted';