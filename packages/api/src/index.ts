export { createApiApp, type ApiApp } from './app';
export type { ApiDeps } from './deps';
export type { RegisteredRoute } from './http';
