/**
 * How emails are compared (API.md "Contacts": trimmed, case-insensitive): two emails name the same contact when
 * this answers the same for both.
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
