import { z } from 'zod';

/** An IANA time zone name the runtime knows (`Europe/Berlin`, `UTC`): what Intl accepts is what the stats can use. */
export const timeZoneSchema = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'unknown IANA time zone' },
);

/** An account's zone when none was set: its stats' days and hours are UTC's. */
export const defaultTimeZone = 'UTC';
