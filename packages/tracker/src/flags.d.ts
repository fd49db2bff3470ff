/**
 * Build flags, set by Vite `define` in ../vite.config.ts so the minifier drops dead branches.
 * Unit tests set them on globalThis as the npm build has them (test/support.ts, which every test that runs the tracker's
 * source imports).
 */

/** Misuse of the npm API throws at once (ESM build); the script-tag build skips the checks and never throws. */
declare const __FEAT_CHECKS__: boolean;
