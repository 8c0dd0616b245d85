export * from './client';
export * from './outage-log';
export * from './unavailable';
export * as schema from './schema';
export * from './schema';
export * from './maintenance';
