export * from './client';
export { MAX_NAMED_STATEMENTS, StatementNames } from './named-statements';
export * from './outage-log';
export * from './unavailable';
export * as schema from './schema';
export * from './schema';
export * from './maintenance';
