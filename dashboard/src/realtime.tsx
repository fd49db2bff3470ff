import { useEffect, useState } from 'preact/hooks';
import { realtime } from './api.js';
import type { Credential } from './credentials.js';

/** "N visitors now" (the last 5 minutes), refreshed every 30 s. */
export function Realtime({ credential }: { credential: Credential }) {
  const [visitors, setVisitors] = useState<number | null>(null);
  useEffect(() => {
    const load = () =>
      realtime(credential).then(
        (r) => setVisitors(r.visitors),
        () => setVisitors(null),
      );
    load();
    const timer = setInterval(load, 30_000);
    return () => clearInterval(timer);
  }, [credential.token]);
  return (
    <p class="realtime" aria-live="polite">
      <span class="dot" aria-hidden="true" /> {visitors ?? '–'} {visitors === 1 ? 'visitor' : 'visitors'} now
    </p>
  );
}
