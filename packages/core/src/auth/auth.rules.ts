/** Prefix of personal (human) API keys. */
export const USER_KEY_PREFIX = 'mc_usr_';
/** Prefix of agent API keys; the prefix routes a key to its one lookup. */
export const AGENT_KEY_PREFIX = 'mc_agt_';
/** Prefix of one-time registration secrets of pending agents. */
export const REGISTRATION_SECRET_PREFIX = 'mc_reg_';
/** Characters of a key kept in clear to tell keys apart in lists (`mc_usr_AbCd…`). */
export const KEY_DISPLAY_CHARS = 11;
/** Cookie that carries the dashboard session. */
export const SESSION_COOKIE = 'mc_session';
/** `lastUsedAt` is written in batches at most this often, never on the request path. */
export const KEY_USAGE_FLUSH_MS = 15_000;
/** Prefix of run tokens: the credential of one gateway run, scoped to its execution and ticket (ADR 0023). */
export const RUN_TOKEN_PREFIX = 'mc_run_';
