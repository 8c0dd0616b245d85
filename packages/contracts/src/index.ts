export { z } from './z';
export * from './errors';
export * from './common';
export * from './auth';
export * from './workspaces';
export * from './activity';
export * from './health';
export * from './agents';
export * from './tickets';
