import type { Scope } from '@tracklet/protocol';
import { TrackletError } from '../errors.js';
import type { Auth } from './context.js';

/** 403 unless the credential carries the scope (publishable keys carry none). */
export function authorizeScope(auth: Auth, scope: Scope): void {
  if (!auth.scopes.includes(scope)) {
    throw new TrackletError('insufficient_scope', `this key lacks the ${scope} scope`);
  }
}
