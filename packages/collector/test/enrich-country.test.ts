import { describe, expect, it } from 'vitest';
import { createIpLocator, truncateIp } from '../src/pipeline/enrich-country.js';

describe('country from the IP and TRACKLET_IP', () => {
  it('cuts IPv4 to its /24 and IPv6 to its /48, in canonical text', () => {
    expect(truncateIp('81.2.69.160')).toBe('81.2.69.0');
    expect(truncateIp('2a00:1450:4001:82b::200e')).toBe('2a00:1450:4001::');
    expect(truncateIp('2001:db8::1')).toBe('2001:db8::');
    expect(truncateIp('2001:0DB8:0:0:0:0:0:1')).toBe('2001:db8::');
    expect(truncateIp('::ffff:81.2.69.160')).toBe('::ffff:81.2.69.0');
  });

  it('looks the country up from the full address, then keeps what the mode allows', () => {
    expect(createIpLocator('full')('81.2.69.160')).toEqual({ ip: '81.2.69.160', country: 'GB' });
    expect(createIpLocator('truncate')('2a00:1450:4001:82b::200e')).toEqual({ ip: '2a00:1450:4001::', country: 'IE' });
    expect(createIpLocator('none')('8.8.8.8')).toEqual({ ip: null, country: 'US' });
  });

  it('has no country for private, absent or malformed addresses', () => {
    const locate = createIpLocator('truncate');
    expect(locate('127.0.0.1')).toEqual({ ip: '127.0.0.0', country: null });
    expect(locate(null)).toEqual({ ip: null, country: null });
    expect(locate('not-an-ip')).toEqual({ ip: 'not-an-ip', country: null });
  });
});
