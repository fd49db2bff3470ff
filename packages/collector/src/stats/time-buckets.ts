import type { StatsTimeDimension } from '@tracklet/protocol';
import { addDays, addMonths } from './time-zone.js';

/** A bucket's label from its start as local epoch ms: `2026-11-01` (day, week's Monday, month), `2026-11-01 13:00:00`. */
export function bucketLabel(dimension: StatsTimeDimension, localMs: number): string {
  const iso = new Date(localMs).toISOString();
  return dimension === 'time:hour' ? `${iso.slice(0, 10)} ${iso.slice(11, 13)}:00:00` : iso.slice(0, 10);
}

/** The Monday of a date's week (the `time:week` bucket's label). */
export function mondayOf(date: string): string {
  const day = new Date(Date.parse(date)).getUTCDay();
  return addDays(date, -((day + 6) % 7));
}

/** Every bucket's label over the local days [fromDate, toDate), in order, so a series shows its empty buckets. */
export function bucketLabels(dimension: StatsTimeDimension, fromDate: string, toDate: string): string[] {
  const labels: string[] = [];
  if (dimension === 'time:hour') {
    for (let t = Date.parse(fromDate); t < Date.parse(toDate); t += 3_600_000) labels.push(bucketLabel(dimension, t));
  } else if (dimension === 'time:day') {
    for (let d = fromDate; d < toDate; d = addDays(d, 1)) labels.push(d);
  } else if (dimension === 'time:week') {
    for (let d = mondayOf(fromDate); d < toDate; d = addDays(d, 7)) labels.push(d);
  } else {
    for (let d = `${fromDate.slice(0, 7)}-01`; d < toDate; d = addMonths(d, 1)) labels.push(d);
  }
  return labels;
}
