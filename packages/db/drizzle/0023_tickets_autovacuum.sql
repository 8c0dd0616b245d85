-- Claims (and claim-next) move tickets out of the claimable set, but the index entries of their old versions stay at
-- the head of tickets_available_idx until a VACUUM, and claim-next's pick steps over them (bench/README.md,
-- bench/claim-next-pick.ts). Autovacuum's default waits for 20 % of the table to change (6,000 claims at 30,000
-- tickets): vacuum tickets after 2 % of it or 500 rows instead. Only a storage parameter: nothing is rewritten, and the
-- embedded database (no autovacuum) vacuums it itself after claims (maintainClaimedTickets).
ALTER TABLE "tickets" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 500);
