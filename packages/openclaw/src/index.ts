// @mc/openclaw — a client for OpenClaw gateways (WebSocket protocol v4) and a leased pool of them.
// No database dependency: the coordinator plugs in targets, leases and persistence.
export * from './protocol';
export * from './errors';
export * from './backoff';
export * from './device-identity';
export * from './client';
export * from './methods';
export * from './pool';
