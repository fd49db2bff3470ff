import { z } from 'zod';
import { timeZoneSchema } from './time-zone.js';

/** Stats API (issue #18): what `POST /v1/stats/query` can compute, in the spirit of Plausible's Stats API v2. */
export const statsMetricSchema = z.enum([
  'visitors',
  'visits',
  'pageviews',
  'events',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
  'conversion_rate',
  'revenue',
  'percentage',
]);
export type StatsMetric = z.infer<typeof statsMetricSchema>;

export const statsFixedDimensions = [
  'event:name',
  'event:page',
  'visit:entry_page',
  'visit:exit_page',
  'visit:source',
  'visit:referrer',
  'visit:utm_source',
  'visit:utm_medium',
  'visit:utm_campaign',
  'visit:utm_term',
  'visit:utm_content',
  'visit:click_id',
  'visit:device',
  'visit:browser',
  'visit:os',
  'visit:country',
] as const;
export const statsTimeDimensions = ['time:hour', 'time:day', 'time:week', 'time:month'] as const;
export type StatsTimeDimension = (typeof statsTimeDimensions)[number];

const propDimension = /^event:props:[A-Za-z0-9_]{1,128}$/;
const known = new Set<string>([...statsFixedDimensions, ...statsTimeDimensions]);
const dimensionMessage = 'unknown dimension (see the README for the list; props are event:props:<name>)';

/** A dimension: one of the fixed ones, a time bucket, or `event:props:<name>`. */
export const statsDimensionSchema = z.string().refine((d) => known.has(d) || propDimension.test(d), {
  message: dimensionMessage,
  params: { code: 'invalid_field' },
});

/** What filters may name: any dimension but time, and `event:goal` (an event name, or `Visit /path*`). */
const filterDimensionSchema = z
  .string()
  .refine((d) => d === 'event:goal' || (!d.startsWith('time:') && (known.has(d) || propDimension.test(d))), {
    message: 'unknown filter dimension',
  });

const filterValues = z.array(z.string().max(2048)).min(1).max(100);
export const statsConditionSchema = z.tuple([
  z.enum(['is', 'is_not', 'contains', 'matches']),
  filterDimensionSchema,
  filterValues,
]);

export type StatsFilter =
  | [op: 'is' | 'is_not' | 'contains' | 'matches', dimension: string, values: string[]]
  | ['and' | 'or', StatsFilter[]]
  | ['not', StatsFilter];

export const statsFilterSchema: z.ZodType<StatsFilter> = z.lazy(() =>
  z.union([
    statsConditionSchema,
    z.tuple([z.enum(['and', 'or']), z.array(statsFilterSchema).min(1).max(50)]),
    z.tuple([z.literal('not'), statsFilterSchema]),
  ]),
);

const isoDate = z.iso.date();
export const statsDateRangeSchema = z.union([
  z.enum(['day', '7d', '30d', 'month', '12mo', 'all']),
  z.tuple([isoDate, isoDate]).refine(([from, to]) => from <= to, { message: 'the first date is after the second' }),
]);

/** Body of `POST /v1/stats/query`. */
export const statsQuerySchema = z.strictObject({
  metrics: z.array(statsMetricSchema).min(1).max(10),
  date_range: statsDateRangeSchema,
  /** Absent: the account's zone (`PATCH /v1/admin/accounts/:id`), as Plausible uses the site's. */
  timezone: timeZoneSchema.optional(),
  dimensions: z.array(statsDimensionSchema).max(3).default([]),
  filters: z.array(statsFilterSchema).max(50).default([]),
  order_by: z
    .array(z.tuple([z.string(), z.enum(['asc', 'desc'])]))
    .max(5)
    .optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  page: z.number().int().min(1).max(100_000).default(1),
});
/** A query as run: the zone is always known by then (the one asked for, or the account's). */
export type StatsQuery = Omit<z.output<typeof statsQuerySchema>, 'timezone'> & { timezone: string };

/** Body of a `POST /v1/stats/query` answer: one row per dimension group, metrics in the order asked for. */
export const statsResponseSchema = z.object({
  results: z.array(z.object({ dimensions: z.array(z.string().nullable()), metrics: z.array(z.number().nullable()) })),
  meta: z.object({
    total_rows: z.number().int(),
    date_range: z.tuple([z.string(), z.string()]),
    time_zone: z.string(),
  }),
  query: z.record(z.string(), z.unknown()),
});
export type StatsResultRow = z.infer<typeof statsResponseSchema>['results'][number];
export type StatsResponse = Omit<z.infer<typeof statsResponseSchema>, 'query'> & { query: StatsQuery };

/** Body of `GET /v1/stats/realtime`. */
export const statsRealtimeSchema = z.object({ visitors: z.number().int(), window_seconds: z.number().int() });
export type StatsRealtime = z.infer<typeof statsRealtimeSchema>;

/** A dashboard share link as listed (its token is shown only when it is made). */
export const statsShareSchema = z.object({ id: z.number().int(), created_at: z.string() });
export type StatsShare = z.infer<typeof statsShareSchema>;
/** `POST /v1/stats/shares`: the link, this once; `url` is relative to the collector. */
export const statsShareCreatedSchema = statsShareSchema.extend({ token: z.string(), url: z.string() });
