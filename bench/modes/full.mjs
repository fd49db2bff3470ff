import { measureAndReport } from '../lib/mode.mjs';

export const description =
  'everything: baseline, SQLite and PostgreSQL (1,000,000 seeded events), enrichment; writes bench/results.md';

export default ({ flags }) => measureAndReport({ mode: 'full', stores: ['sqlite', 'postgres'], quick: false, flags });
