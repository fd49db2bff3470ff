import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import { LRUCache } from 'lru-cache';
import { Reader, type Response } from 'maxmind';

/** TRACKLET_IP: what of the client's IP is stored (the country is looked up from the full address first). */
export type IpMode = 'full' | 'truncate' | 'none';

export interface PlacedIp {
  /** What is stored as the event's `ip`. */
  ip: string | null;
  /** ISO 3166-1 alpha-2 code, or null when the address is unknown, private or absent. */
  country: string | null;
}

export type IpLocator = (ip: string | null) => PlacedIp;

/** A record of geo-whois-asn-country (not one of MaxMind's own layouts, hence the cast through Response). */
type CountryRecord = Response & { country_code?: string };

function truncateV6(ip: string): string {
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  const prefix = groups.slice(0, 3).map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
  // Canonical text (RFC 5952): the zero groups that end the prefix fold into the `::`.
  while (prefix.at(-1) === '0') prefix.pop();
  return `${prefix.join(':')}::`;
}

/** An IPv4 address cut to its /24, an IPv6 one to its /48 (an IPv4-mapped IPv6 address keeps its prefix). */
export function truncateIp(ip: string): string {
  if (isIPv4(ip)) return ip.replace(/\.\d+$/, '.0');
  const mapped = /^(.*:)(\d+\.\d+\.\d+)\.\d+$/.exec(ip);
  if (mapped && isIPv6(ip)) return `${mapped[1]}${mapped[2]}.0`;
  return isIPv6(ip) ? truncateV6(ip) : ip;
}

/** The openly licensed (CC0) country database the package ships: no network at run time. */
function openCountryDatabase(): Reader<CountryRecord> {
  const require = createRequire(import.meta.url);
  const dir = require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/package.json').replace(/package\.json$/, '');
  return new Reader<CountryRecord>(readFileSync(`${dir}geo-whois-asn-country.mmdb`));
}

/**
 * Looks an IP's country up, then keeps what TRACKLET_IP allows of the address. Visitors send several events from
 * one address, so the answers are cached.
 */
export function createIpLocator(mode: IpMode, max = 10_000): IpLocator {
  const reader = openCountryDatabase();
  const cache = new LRUCache<string, PlacedIp>({ max });
  const countryOf = (ip: string): string | null => {
    try {
      return reader.get(ip)?.country_code ?? null;
    } catch {
      return null; // not an IP address (a server-API caller's free text): no country
    }
  };
  const place = (ip: string): PlacedIp => ({
    ip: mode === 'full' ? ip : mode === 'none' ? null : truncateIp(ip),
    country: countryOf(ip),
  });
  return (ip) => {
    if (!ip) return { ip: null, country: null };
    let placed = cache.get(ip);
    if (!placed) cache.set(ip, (placed = place(ip)));
    return placed;
  };
}
