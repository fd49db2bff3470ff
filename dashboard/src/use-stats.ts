import type { StatsResponse } from '@tracklet/protocol';
import { useLayoutEffect, useState } from 'preact/hooks';
import { type StatsBody, statsQuery } from './api.js';
import type { Credential } from './credentials.js';
import { useResolvedPeriods } from './resolved-period.js';
import type { DateRange } from './view.js';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
}

/**
 * Runs `load` whenever `key` changes (not at all while `load` is null); an answer after a newer request is dropped.
 * A layout effect: the request leaves as the render commits, not a frame later (the first paint waits on it).
 */
export function useLoad<T>(load: (() => Promise<T>) | null, key: string): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: true });
  useLayoutEffect(() => {
    // Waiting: no answer of an earlier key stays on screen as if it were this one's.
    if (!load) return setState({ data: null, error: null, loading: true });
    let current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (e: Error) => current && setState({ data: null, error: e.message, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [key]);
  return state;
}

/**
 * One stats query, re-run when its body changes; null: not yet (it waits for something). Bodies name no zone: the
 * server answers in the account's, and each answer tells the dashboard which zone and dates it used.
 */
export function useStats(credential: Credential, body: StatsBody | null): Loaded<StatsResponse> {
  const { report } = useResolvedPeriods();
  const load = async () => {
    const answer = await statsQuery(credential, body!);
    report(body!.date_range as DateRange, answer.meta);
    return answer;
  };
  return useLoad(body ? load : null, JSON.stringify(body));
}

/** A panel's `data-state`: what the bench (`npm run bench -- dashboard`) and the e2e specs wait for. */
export const panelState = (l: Loaded<unknown>): 'loading' | 'error' | 'ready' =>
  l.loading ? 'loading' : l.error ? 'error' : 'ready';
