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
export const HUMAN_ARGS = [...BASE_ARGS, '--disable-blink-features=AutomationControlled'];

/** Tag of the specs that run in the `headless-default` project (a bot, as far as the tracker can tell). */
export const HEADLESS_DEFAULT = '@headless-default';
