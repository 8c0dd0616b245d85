// @mc/client: the one way to call the Mission Control API from TypeScript (dashboard, and later agents, CLI, MCP).
// Browser and Node ≥ 20; no schema library at runtime (types only, generated from the served OpenAPI document).
export { createApiClient, envelopeFetch, serializeQuery } from './client';
export type { ApiClient, ApiClientOptions, BodyOf, CallOptions, ListMeta, Page, QueryOf, ResponseData, ResponseMeta, Schemas, components, paths, operations } from './client';
export { ApiError, prettyIssue, toApiError, isAbortError, type FieldIssue } from './errors';
