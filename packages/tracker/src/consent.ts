import type { Consent } from './config.js';
import { isBot } from './bots.js';
import { get, persist, set, wipe } from './storage.js';

let state: Consent = 'granted';
/** Bot, or Do-Not-Track / Global Privacy Control honoured: nothing is ever sent or stored. */
let blocked = false;
/** The visitor opted out (persisted in localStorage under tracklet_o). */
let out = false;

/** 2: send. 1: hold events in memory (consent pending). 0: send nothing and store nothing. */
export const level = (): number => (blocked || out || state == 'denied' ? 0 : state == 'pending' ? 1 : 2);

/** Applies a consent state: persisting only when granted; everything stored is wiped when nothing may be kept. */
export const consent = (s: Consent): void => {
  state = s;
  const l = level();
  persist(l > 1);
  if (!l) wipe();
};

export const optOut = (o: boolean): void => {
  set('o', (out = o) && 1, true);
  consent(state);
};

export const initConsent = (c: Consent = 'granted', respectDnt?: boolean): void => {
  const n = navigator as Navigator & { globalPrivacyControl?: boolean };
  blocked = isBot() || (respectDnt != false && (n.doNotTrack == '1' || !!n.globalPrivacyControl));
  out = !!get('o');
  consent(c);
};
