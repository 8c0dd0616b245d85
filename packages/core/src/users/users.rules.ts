/** How long a one-time set-password link stays valid. */
export const SET_PASSWORD_TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;
