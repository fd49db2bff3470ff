import type { StatsTimeDimension } from '@tracklet/protocol';
import type { SqlDialect } from './dialect.js';
import type { OffsetSegment } from './time-zone.js';

/** Columns of `visits` (store/visit-rows.ts), one per visit dimension. */
const visitColumns: Record<string, string> = {
  'visit:entry_page': 'entry_page',
  'visit:exit_page': 'exit_page',
  'visit:source': 'source',
  'visit:referrer': 'referrer',
  'visit:utm_source': 'utm_source',
  'visit:utm_medium': 'utm_medium',
  'visit:utm_campaign': 'utm_campaign',
  'visit:utm_term': 'utm_term',
  'visit:utm_content': 'utm_content',
  'visit:device': 'device_type',
  'visit:browser': 'browser',
  'visit:os': 'os',
  'visit:country': 'country',
  'visit:click_id': 'click_network',
};

/** The SQL of a non-time dimension over `ev` (the event) and `v` (its visit's row in `visits`). */
export function dimensionSql(dimension: string, d: SqlDialect): string {
  if (dimension === 'event:name') return 'ev.event';
  if (dimension === 'event:page') return d.path('ev.url');
  if (dimension.startsWith('event:props:')) return d.propText('ev.data', dimension.slice('event:props:'.length));
  const column = visitColumns[dimension];
  if (!column) throw new Error(`no SQL for dimension ${dimension}`);
  return `v.${column}`;
}

export const needsVisit = (dimension: string) => dimension.startsWith('visit:');

/** A time column as local epoch ms (its zone's wall clock read as UTC), from the range's offset segments. */
export function localTimeSql(segments: OffsetSegment[], time: string): string {
  if (segments.length === 1) return `(${time} + ${segments[0]!.offset})`;
  const cases = segments
    .slice(0, -1)
    .map((s) => `WHEN ${time} < ${s.until} THEN ${s.offset}`)
    .join(' ');
  return `(${time} + CASE ${cases} ELSE ${segments.at(-1)!.offset} END)`;
}

/** The start of the event's local time bucket, as local epoch ms. */
export function timeBucketSql(dimension: StatsTimeDimension, local: string, d: SqlDialect): string {
  if (dimension === 'time:hour') return `((${local} / 3600000) * 3600000)`;
  if (dimension === 'time:day') return `((${local} / 86400000) * 86400000)`;
  // Day 0 (1970-01-01) was a Thursday: weeks start on the Monday 3 days before.
  if (dimension === 'time:week') return `(((${local} / 86400000) - (((${local} / 86400000) + 3) % 7)) * 86400000)`;
  return d.monthStart(local);
}
