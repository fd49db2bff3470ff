import { referrerSources } from './visit-attributes.js';

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

function referrerRows(): string {
  return [...referrerSources()].map(([host, source]) => `(${quote(host)}, ${quote(source)})`).join(',\n');
}

/**
 * Issue #18, one migration on both stores: the event's country; an index for the stats' time ranges; and the
 * referrer list that names a visit's source (`visit:source`), as a table. Since the `visits` table (visits-schema.ts)
 * the source is classified when a visit is written, from the same list (visit-attributes.ts); this table is no longer
 * read, and stays because migrations are append-only.
 */
export function statsSchemaSql(): string {
  return `
   ALTER TABLE events ADD COLUMN country TEXT;
   CREATE INDEX events_occurred_at ON events(account_id, occurred_at);
   CREATE TABLE referrer_sources (host TEXT PRIMARY KEY, source TEXT NOT NULL);
   INSERT INTO referrer_sources (host, source) VALUES ${referrerRows()};`;
}
