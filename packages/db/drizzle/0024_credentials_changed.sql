-- Every process keeps the principals behind the keys and sessions it has resolved (core: auth/credential-cache.ts,
-- docs/adr/0022-credential-cache.md). A change to anything a principal is made of announces itself on the channel
-- `mc_credentials` from the writing transaction (delivered when, and only if, it commits), and every listening
-- process forgets what it holds. Statement-level triggers on the columns a principal reads: the frequent writes to
-- these tables (key usage, heartbeats, ticket numbers, password hashes) set none of them and announce nothing.
CREATE FUNCTION "mc_credentials_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('mc_credentials', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "api_keys_credentials_changed" AFTER UPDATE OF "key_hash", "user_id", "expires_at", "revoked_at" OR DELETE ON "api_keys" FOR EACH STATEMENT EXECUTE FUNCTION "mc_credentials_changed"();
--> statement-breakpoint
CREATE TRIGGER "agent_keys_credentials_changed" AFTER UPDATE OF "key_hash", "agent_id", "expires_at", "revoked_at" OR DELETE ON "agent_keys" FOR EACH STATEMENT EXECUTE FUNCTION "mc_credentials_changed"();
--> statement-breakpoint
CREATE TRIGGER "sessions_credentials_changed" AFTER UPDATE OF "token_hash", "user_id", "expires_at" OR DELETE ON "sessions" FOR EACH STATEMENT EXECUTE FUNCTION "mc_credentials_changed"();
--> statement-breakpoint
CREATE TRIGGER "users_credentials_changed" AFTER UPDATE OF "email", "name", "is_instance_admin", "disabled_at" OR DELETE ON "users" FOR EACH STATEMENT EXECUTE FUNCTION "mc_credentials_changed"();
--> statement-breakpoint
CREATE TRIGGER "agents_credentials_changed" AFTER UPDATE OF "workspace_id", "name", "capabilities", "status" OR DELETE ON "agents" FOR EACH STATEMENT EXECUTE FUNCTION "mc_credentials_changed"();
--> statement-breakpoint
CREATE TRIGGER "workspaces_credentials_changed" AFTER UPDATE OF "archived_at" OR DELETE ON "workspaces" FOR EACH STATEMENT EXECUTE FUNCTION "mc_credentials_changed"();
