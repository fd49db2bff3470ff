import type { ContactProfile, Touch } from '@tracklet/protocol';

function TouchLine({ label, touch }: { label: string; touch: Touch | null }) {
  if (!touch)
    return (
      <div>
        <strong>{label}</strong> —
      </div>
    );
  const parts = [touch.utm_source, touch.utm_medium, touch.utm_campaign].filter(Boolean).join(' / ') || 'direct';
  const clicks = Object.keys(touch.click_ids ?? {}).join(', ');
  return (
    <div>
      <strong>{label}</strong> {parts}
      {clicks && ` (${clicks})`}
      {touch.referrer && ` via ${touch.referrer}`}
    </div>
  );
}

/** The contact behind this browser's anonymous id, as the collector resolved it. */
export function ProfileCard({ profile }: { profile: ContactProfile | null }) {
  if (!profile)
    return (
      <div class="profile">
        <h3>You</h3>
        <p>No events stored yet.</p>
      </div>
    );
  return (
    <div class="profile" data-testid="profile">
      <h3>You: contact {profile.id}</h3>
      <div>
        <strong>email</strong> <span data-testid="profile-email">{profile.email ?? 'anonymous'}</span>
      </div>
      <div>
        <strong>attributes</strong> <code>{JSON.stringify(profile.attributes)}</code>
      </div>
      <div>
        <strong>anonymous ids</strong> {profile.anonymous_ids.length} · <strong>events</strong> {profile.event_count}
      </div>
      <TouchLine label="first touch" touch={profile.first_touch} />
      <TouchLine label="last touch" touch={profile.last_touch} />
    </div>
  );
}
