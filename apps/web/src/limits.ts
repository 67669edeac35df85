/** The largest form post the web accepts: a note's form is a few hundred bytes. next.config.ts and the proxy use it. */
export const FORM_BODY_LIMIT_BYTES = 16 * 1024;
