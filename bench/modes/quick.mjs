import { measureAndReport } from '../lib/mode.mjs';

export const description = 'a smoke run of every step: 3 s passes, 100,000 seeded events, both stores';

export default ({ flags }) => measureAndReport({ mode: 'quick', stores: ['sqlite', 'postgres'], quick: true, flags });
