// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { isBot } from '../src/bots.js';
import { collector, load, navigatorProp, useFetch } from './support.js';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const browser = (o: Record<string, unknown>) => ({ webdriver: false, userAgent: CHROME, ...o }) as unknown as Navigator;
const brands = (...b: string[]) => ({ brands: b.map((brand) => ({ brand, version: '140' })) });

describe('bot detection', () => {
  it('lets a desktop Chrome through', () => {
    expect(isBot(browser({ userAgentData: brands('Chromium', 'Google Chrome', 'Not=A?Brand') }))).toBe(false);
  });

  it('flags automation through navigator.webdriver', () => {
    expect(isBot(browser({ webdriver: true }))).toBe(true);
  });

  it.each([
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) my-app/1.0.0 Chrome/140.0.0.0 Electron/38.0.0 Safari/537.36',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    'curl/8.5.0',
    'python-requests/2.32.3',
  ])('flags the user agent %s', (userAgent) => {
    expect(isBot(browser({ userAgent }))).toBe(true);
  });

  it('flags a HeadlessChrome client-hint brand behind a normal user agent', () => {
    expect(isBot(browser({ userAgentData: brands('Chromium', 'HeadlessChrome') }))).toBe(true);
  });

  it('makes the tracker send no events at all', async () => {
    navigatorProp('webdriver', true);
    const f = useFetch(collector());
    const t = await load();
    t.track('a');
    await t.flush();
    await vi.advanceTimersByTimeAsync(5000);
    window.dispatchEvent(new Event('pagehide'));
    expect(f).not.toHaveBeenCalled();
    expect(navigator.sendBeacon).not.toHaveBeenCalled();
  });
});
