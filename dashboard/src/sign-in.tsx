import { useState } from 'preact/hooks';
import { rememberKey } from './credentials.js';

/** Paste a live key with stats.read; it stays in this tab's sessionStorage, never in the URL or localStorage. */
export function SignIn({ onSignedIn, problem }: { onSignedIn: () => void; problem?: string | null }) {
  const [key, setKey] = useState('');
  return (
    <main class="sign-in">
      <h1>Tracklet dashboard</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          rememberKey(key);
          onSignedIn();
        }}
      >
        <label for="key">Your secret key (tk_live_… with stats.read)</label>
        <input
          id="key"
          type="password"
          autoComplete="off"
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <button type="submit">Open the dashboard</button>
        <p class="hint">Kept in this tab only (sessionStorage): closing the tab signs you out.</p>
        {problem && <p class="error">{problem}</p>}
      </form>
    </main>
  );
}
