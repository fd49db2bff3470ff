import type { PropertyValue } from '@tracklet/protocol';
import type { ContactRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';
import type { PendingEvent } from './context.js';
import { nextTouches } from './touches.js';

/** Sets attributes; a null value removes the attribute (API.md, `contact` and `update`). */
export function applyAttributes(current: Record<string, PropertyValue>, changes: Record<string, PropertyValue>) {
  const next = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/** The event's attributes (login/update/`contact`) and attribution land on its contact. */
export async function updateContact(tx: StoreTx, e: PendingEvent, contact: ContactRecord): Promise<void> {
  let changed = false;
  if (e.contactAttributes) {
    contact.attributes = applyAttributes(contact.attributes, e.contactAttributes);
    changed = true;
  }
  const touches = nextTouches(contact, e);
  if (touches.first_touch !== contact.first_touch || touches.last_touch !== contact.last_touch) {
    Object.assign(contact, touches);
    changed = true;
  }
  if (changed) await tx.saveContact(contact, e.receivedAt);
}
