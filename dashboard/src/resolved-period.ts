import type { StatsResponse } from '@tracklet/protocol';
import { createContext } from 'preact';
import { useCallback, useContext, useState } from 'preact/hooks';
import type { DateRange } from './view.js';

/**
 * What the server made of the view's period: the account's zone and each range's dates in it. The dashboard never
 * guesses the zone (the browser's is not the account's) and never waits for it: every query names its range by
 * keyword and no zone, the server resolves both, and the first answer for a range tells the dates (the KPIs' previous
 * period is computed from them). No extra round trip before the panels' queries.
 */
export interface ResolvedPeriods {
  zone: string | null;
  dates: Record<string, [string, string]>;
}

export const rangeKey = (range: DateRange): string => (typeof range === 'string' ? range : range.join(','));

interface PeriodsContext {
  resolved: ResolvedPeriods;
  report: (range: DateRange, meta: StatsResponse['meta']) => void;
}

const Periods = createContext<PeriodsContext>({ resolved: { zone: null, dates: {} }, report: () => {} });
export const PeriodsProvider = Periods.Provider;
export const useResolvedPeriods = (): PeriodsContext => useContext(Periods);

/** The dashboard's state of resolved periods; a newer answer for a range replaces its dates (a new day began). */
export function useResolvedPeriodsState(): PeriodsContext {
  const [resolved, setResolved] = useState<ResolvedPeriods>({ zone: null, dates: {} });
  const report = useCallback((range: DateRange, meta: StatsResponse['meta']) => {
    const key = rangeKey(range);
    setResolved((r) =>
      r.zone === meta.time_zone && r.dates[key]?.join() === meta.date_range.join()
        ? r
        : { zone: meta.time_zone, dates: { ...r.dates, [key]: meta.date_range } },
    );
  }, []);
  return { resolved, report };
}
