import { useState } from 'preact/hooks';
import { tracker } from '../tracker.js';

const field = (set: (v: string) => void) => (e: Event) => set((e.currentTarget as HTMLInputElement).value);

/** login / update / logout / email_open, each one click away. */
export function AccountPage() {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [color, setColor] = useState('');
  const [said, setSaid] = useState('');
  const act = (what: string, run: () => void) => (e: Event) => {
    e.preventDefault();
    run();
    setSaid(what);
  };
  return (
    <section>
      <h1>Account</h1>
      <form onSubmit={act('login sent', () => tracker.login({ email, ...(name ? { name } : {}) }))} class="form">
        <h2>Log in</h2>
        <input
          type="email"
          required
          placeholder="you@example.com"
          value={email}
          onInput={field(setEmail)}
          data-testid="login-email"
        />
        <input placeholder="Name (optional)" value={name} onInput={field(setName)} />
        <button type="submit" data-testid="login">
          Log in
        </button>
      </form>
      <form onSubmit={act('update sent', () => tracker.update({ favorite_color: color || null }))} class="form">
        <h2>Profile</h2>
        <input
          placeholder="Favorite color (empty removes it)"
          value={color}
          onInput={field(setColor)}
          data-testid="profile-color"
        />
        <button type="submit" data-testid="update">
          Save profile
        </button>
      </form>
      <div class="form">
        <h2>More</h2>
        <button
          type="button"
          onClick={act('email_open sent', () => tracker.emailOpen({ campaign: 'november' }))}
          data-testid="email-open"
        >
          Newsletter opened
        </button>
        <button
          type="button"
          class="secondary"
          onClick={act('logout sent: new anonymous id', () => tracker.logout())}
          data-testid="logout"
        >
          Log out
        </button>
      </div>
      {said && (
        <p class="note" data-testid="said">
          {said}
        </p>
      )}
    </section>
  );
}
