import { useState } from 'preact/hooks';
import { realtime } from './api.js';
import { currentCredential, forgetKey } from './credentials.js';
import { Dashboard } from './dashboard.js';
import { SignIn } from './sign-in.js';
import { useLoad } from './use-stats.js';

/** A share link that does not open: a page that says so, never a blank one. */
function DeadLink() {
  return (
    <main class="sign-in">
      <h1>This dashboard link does not work</h1>
      <p>It was revoked by the site's owner, or it never existed. Ask them for a new link.</p>
    </main>
  );
}

/**
 * Checks the credential (realtime is the cheapest stats call) while the dashboard already loads: the check is no
 * round trip before the panels' queries. A key that fails goes back to signing in, a share link that fails says so.
 */
export function App() {
  const [attempt, setAttempt] = useState(0);
  const credential = currentCredential();
  const check = useLoad(() => (credential ? realtime(credential) : Promise.resolve(null)), `${attempt}`);
  if (!credential) return <SignIn onSignedIn={() => setAttempt(attempt + 1)} />;
  if (check.error && credential.kind === 'share') return <DeadLink />;
  if (check.error) {
    forgetKey();
    return <SignIn onSignedIn={() => setAttempt(attempt + 1)} problem={check.error} />;
  }
  return (
    <Dashboard
      key={attempt}
      credential={credential}
      visitorsNow={check.data?.visitors ?? null}
      onSignOut={() => {
        forgetKey();
        setAttempt(attempt + 1);
      }}
    />
  );
}
