/** A normal desktop Chrome, as a visitor would bring: the tracker must treat it as a person. */
export const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for Chromium in a container; AutomationControlled is the one that sets navigator.webdriver. */
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/**
 * A visitor's Chromium. The user agent is set at launch as well as by Playwright's `userAgent` option: Playwright's
 * override belongs to the page, so a sendBeacon that outlives the page (pagehide) would go out with the browser's
 * own "HeadlessChrome" agent, and the collector would rightly drop it as a bot.
 */
export const humanArgs = (userAgent = DESKTOP_UA): string[] => [
  ...BASE_ARGS,
  '--disable-blink-features=AutomationControlled',
  `--user-agent=${userAgent}`,
];
export const HUMAN_ARGS = humanArgs();
/**
 * launchOptions of a visitor's browser. Playwright turns the back/forward cache off by default; a visitor's Chrome
 * has it on, and the tracker counts a bfcache restore as a page view.
 */
export const HUMAN_LAUNCH = {
  executablePath: CHROMIUM,
  args: HUMAN_ARGS,
  ignoreDefaultArgs: ['--disable-back-forward-cache'],
};

/** Tag of the specs that run in the `headless-default` project (a bot, as far as the tracker can tell). */
export const HEADLESS_DEFAULT = '@headless-default';

/** Tags of the specs that exercise one build only (the `tag` and `npm` projects of playwright.config.ts skip the other's). */
export const TAG_ONLY = '@tag-only';
export const NPM_ONLY = '@npm-only';

/** A crawler that says so: the tracker itself sends nothing for it. */
export const GOOGLEBOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
/**
 * Google's URL Inspection tool renders pages in a Chrome whose user agent has no "bot" in it, so the tracker's
 * own short list lets it through; isbot, on the collector, knows it.
 */
export const INSPECTION_TOOL_UA = `${DESKTOP_UA} (compatible; Google-InspectionTool/1.0;)`;
