import type { BeaconUser } from '@tracklet/protocol';
import { uid } from './ids.js';
import { get, set } from './storage.js';

/** Inactivity after which the next event starts a new session (the usual 30 minutes of GA and Segment). */
export const SESSION_MS = 18e5;

/** The visitor's random anonymous id, created on first use. No cookies, ever. */
export const anon = (): string => {
  let a: string | undefined = get('a');
  if (!a) set('a', (a = uid()));
  return a;
};

/** The current session id; a new one after SESSION_MS without events. Stored as [id, last event ms]. */
export const session = (now = Date.now()): string => {
  let s: [string, number] | undefined = get('s');
  if (!s || now - s[1] > SESSION_MS) s = [uid(), now];
  s[1] = now;
  set('s', s);
  return s[0];
};

/** Who logged in on this site (persisted across pages), or undefined. */
export const user = (): BeaconUser | undefined => get('u');

/** Remembers the identity fields of a login; attributes go only into the login event's data. */
export const identify = (o: BeaconUser): void =>
  set('u', { email: o.email, phone: o.phone, external_id: o.external_id });

/** Logout: forget the user, start a new anonymous id and a new session. */
export const forget = (): void => {
  set('u', 0);
  set('a', uid());
  set('s', 0);
};
