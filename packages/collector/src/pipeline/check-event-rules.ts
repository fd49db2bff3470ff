import { TrackletError } from '../errors.js';
import { type Auth, type PendingEvent, reservedEvents } from './context.js';

/** The account's allowed-events list (reserved events always pass) and the reserved events' required fields. */
export function checkEventRules(auth: Auth, event: PendingEvent): void {
  const allowed = auth.account.allowed_events;
  if (allowed && !reservedEvents.has(event.event) && !allowed.includes(event.event)) {
    throw new TrackletError('unknown_event', `event "${event.event}" is not in this account's allowed events`, {
      path: 'event',
    });
  }
  if (event.event === 'confirmation') {
    const orderId = event.data.order_id;
    if ((typeof orderId !== 'string' || orderId.trim() === '') && typeof orderId !== 'number') {
      throw new TrackletError('order_id_required', 'a confirmation needs data.order_id (a string or number)', {
        path: 'data.order_id',
      });
    }
  }
  const { identity } = event;
  if (
    event.source === 'api' &&
    identity.contact_id === undefined &&
    !identity.email &&
    !identity.phone &&
    !identity.external_id
  ) {
    throw new TrackletError(
      'contact_required',
      'name the contact: contact_id, contact_email, contact_phone or external_id',
    );
  }
}

/** The order id of a confirmation as a string, so 42 and "42" are the same order. */
export const orderIdOf = (event: PendingEvent) => String(event.data.order_id);
