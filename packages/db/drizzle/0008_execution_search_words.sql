ALTER TABLE "executions" drop column "search";--> statement-breakpoint
ALTER TABLE "executions" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(model, '') || ' ' || coalesce(summary, '') || ' ' || left(regexp_replace(jsonb_path_query_array(decisions, '$[*].input')::text || ' ' || jsonb_path_query_array(decisions, '$[*].reasoning')::text || ' ' || jsonb_path_query_array(decisions, '$[*].output')::text, '\\[nrt]|[\\"\[\],]', ' ', 'g'), 200000))) STORED;--> statement-breakpoint
-- Dropping the column dropped its GIN index: build it again over the new vector.
CREATE INDEX "executions_search_idx" ON "executions" USING gin ("search");
