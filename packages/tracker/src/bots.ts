/** Crawlers, headless browsers and automation; isbot on the collector is the second line. */
const BOT =
  /bot|crawl|spider|slurp|headless|phantom|electron|selenium|puppeteer|playwright|lighthouse|preview|scrap|curl|wget|python|http/i;

/** True for automation (navigator.webdriver), a headless or bot user agent, or a HeadlessChrome client hint brand. */
export const isBot = (n: Navigator = navigator): boolean =>
  !!n.webdriver ||
  BOT.test(n.userAgent + JSON.stringify((n as { userAgentData?: { brands?: unknown } }).userAgentData?.brands));
