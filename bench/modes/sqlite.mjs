import { measureAndReport } from '../lib/mode.mjs';

export const description = 'baseline, SQLite and enrichment only (add `quick` for the short version)';

export default ({ args, flags }) => {
  const quick = args.includes('quick');
  return measureAndReport({ mode: quick ? 'sqlite-quick' : 'sqlite', stores: ['sqlite'], quick, flags });
};
