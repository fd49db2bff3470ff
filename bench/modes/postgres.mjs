import { measureAndReport } from '../lib/mode.mjs';

export const description =
  'baseline, PostgreSQL (a fresh temp server) and enrichment only (add `quick` for the short version)';

export default ({ args, flags }) => {
  const quick = args.includes('quick');
  return measureAndReport({ mode: quick ? 'postgres-quick' : 'postgres', stores: ['postgres'], quick, flags });
};
