import type { PropertyType, PropertyValue } from '@tracklet/protocol';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_LIKE = /^https?:\/\/[^\s/$.?#][^\s]*$/i;

/** The schema type of a value (API.md "Event schemas"); null has no type of its own. */
export function inferPropertyType(value: PropertyValue): PropertyType | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (DATE.test(value) && !Number.isNaN(Date.parse(value))) return 'date';
  if (DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) return 'dateTime';
  if (EMAIL.test(value)) return 'email';
  if (URL_LIKE.test(value)) return 'url';
  return 'string';
}

const stringKinds = new Set<PropertyType>(['string', 'date', 'dateTime', 'email', 'url']);

/**
 * Whether a value of type `given` may be stored where `stored` was inferred: the same type, an int where a float
 * is stored, and any string-shaped value where a plain string is stored (a date is still a string).
 */
export function acceptsType(stored: PropertyType, given: PropertyType): boolean {
  return stored === given || (stored === 'float' && given === 'int') || (stored === 'string' && stringKinds.has(given));
}
