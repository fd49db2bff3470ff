import { useState } from 'preact/hooks';
import { call } from './api.js';
import type { Credential } from './credentials.js';

/** The owner makes a read-only link to this dashboard (aggregate stats only), shown this once to copy. */
export function ShareLink({ credential }: { credential: Credential }) {
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const make = () =>
    call<{ url: string }>(credential, '/v1/stats/shares', {}).then(
      (made) => setLink(location.origin + made.url),
      (e: Error) => setError(e.message),
    );
  if (link)
    return (
      <label class="share">
        Share link (shown once) <input readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
      </label>
    );
  return (
    <>
      <button type="button" class="link" onClick={make}>
        Make a share link
      </button>
      {error && <span class="error">{error}</span>}
    </>
  );
}
