/**
 * The Segment paths a browser posts to (analytics-next: `/v1/t|i|p|s|g|a` one by one, `/v1/b` when batching; the
 * long forms for anyone else). analytics-next sends the write key as HTTP Basic and a text/plain body, so the
 * preflight must allow Authorization (and the X-Retry-Count it adds on retries). Any origin may read the answer:
 * which origins may send is the account's choice, checked against the publishable key, as for /v1/collect.
 */
export const segmentTypes = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export const batchPaths = ['/v1/batch', '/v1/b', '/v1/import'];
export const singlePaths = segmentTypes.flatMap((type) => [`/v1/${type}`, `/v1/${type[0]}`]);

const segmentPaths = new Set([...batchPaths, ...singlePaths]);

export const isSegmentPath = (path: string) => segmentPaths.has(path);

export const segmentCors = {
  origin: true,
  methods: ['POST'],
  allowedHeaders: ['Content-Type', 'Authorization', 'X-Retry-Count'],
  maxAge: 86400,
  strictPreflight: false,
};
