/**
 * Build flags, set by Vite `define` in ../vite.config.ts so the minifier drops dead branches.
 * Unit tests set them on globalThis as the npm build has them (test/support.ts, which every test that runs the tracker's
 * source imports).
 */

/** Misuse of the npm API throws at once (ESM build); the script-tag build skips the checks and never throws. */
declare const __FEAT_CHECKS__: boolean;
/** Automatic events (outbound links, downloads, tagged elements, engagement): t.full.js and the npm build, not t.js. */
declare const __FEAT_AUTO__: boolean;
