import type { ContactProfile, DemoFeed, DemoVisitor } from '@tracklet/protocol';
import { useEffect, useState } from 'preact/hooks';
import { tracker } from '../tracker.js';

export type Feed = DemoFeed;

/** Polls the demo's read-only API: the stored events, recent discards, and this visitor's profile. */
export function useFeed(everyMs = 1000): { feed: Feed | null; profile: ContactProfile | null } {
  const [feed, setFeed] = useState<Feed | null>(null);
  const [profile, setProfile] = useState<ContactProfile | null>(null);
  useEffect(() => {
    let live = true;
    const tick = async () => {
      try {
        const next = (await (await fetch('/demo/api/feed')).json()) as Feed;
        const visitor = await fetch(`/demo/api/visitor?anonymous_id=${encodeURIComponent(tracker.anonymousId())}`);
        if (!live) return;
        setFeed(next);
        setProfile(((await visitor.json()) as DemoVisitor).contact);
      } catch {
        // The collector restarting: try again on the next tick.
      }
    };
    void tick();
    const timer = setInterval(tick, everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [everyMs]);
  return { feed, profile };
}
