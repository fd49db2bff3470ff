import { isbot } from 'isbot';
import { LRUCache } from 'lru-cache';
import UAParser from 'ua-parser-js';

export interface UserAgentInfo {
  browser: string | null;
  os: string | null;
  /** desktop | mobile | tablet | console | smarttv | wearable | embedded | bot */
  device_type: string | null;
  bot: boolean;
}

export type UserAgentParser = (userAgent: string | null) => UserAgentInfo;

const none: UserAgentInfo = { browser: null, os: null, device_type: null, bot: false };

function parse(userAgent: string): UserAgentInfo {
  const result = new UAParser(userAgent).getResult();
  const bot = isbot(userAgent);
  return {
    browser: result.browser.name ?? null,
    os: result.os.name ?? null,
    device_type: bot ? 'bot' : (result.device.type ?? 'desktop'),
    bot,
  };
}

/** browser / os / device_type from a user agent, with an LRU cache: most traffic repeats a few hundred agents. */
export function createUserAgentParser(max = 10_000): UserAgentParser {
  const cache = new LRUCache<string, UserAgentInfo>({ max });
  return (userAgent) => {
    if (!userAgent) return none;
    let info = cache.get(userAgent);
    if (!info) cache.set(userAgent, (info = parse(userAgent)));
    return info;
  };
}
