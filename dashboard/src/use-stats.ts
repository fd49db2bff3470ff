import type { StatsResponse } from '@tracklet/protocol';
import { useEffect, useState } from 'preact/hooks';
import { type StatsBody, statsQuery } from './api.js';
import type { Credential } from './credentials.js';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
}

/** Runs `load` whenever `key` changes; an answer that arrives after a newer request is dropped. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: true });
  useEffect(() => {
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

/** One stats query, re-run when its body changes. */
export const useStats = (credential: Credential, body: StatsBody): Loaded<StatsResponse> =>
  useLoad(() => statsQuery(credential, body), JSON.stringify(body));
