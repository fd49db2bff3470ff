import { useEffect, useState } from 'preact/hooks';
import { realtime } from './api.js';
import type { Credential } from './credentials.js';

/**
 * "N visitors now" (the last 5 minutes), refreshed every 30 s. The first number is the one the app's credential
 * check already read (`first`): the same request is not sent twice on opening.
 */
export function Realtime({ credential, first }: { credential: Credential; first: number | null }) {
  const [polled, setPolled] = useState<number | null>(null);
  useEffect(() => {
    const timer = setInterval(
      () =>
        realtime(credential).then(
          (r) => setPolled(r.visitors),
          () => setPolled(null),
        ),
      30_000,
    );
    return () => clearInterval(timer);
  }, [credential.token]);
  const visitors = polled ?? first;
  return (
    <p class="realtime" aria-live="polite">
      <span class="dot" aria-hidden="true" /> {visitors ?? '–'} {visitors === 1 ? 'visitor' : 'visitors'} now
    </p>
  );
}
