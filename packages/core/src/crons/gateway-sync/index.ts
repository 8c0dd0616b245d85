// Two-way cron sync with OpenClaw gateways and missed-run repair (issue 15 points 6-7, ADR 0020): pure domain code
// the gateway client is wired to.
export * from './openclaw-job';
export * from './mapping';
export * from './reconcile';
export * from './write-scheduler';
export * from './missed-runs';
export * from './sync-pass';
