import { createGunzip } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { TrackletError } from '../errors.js';

type Payload = NodeJS.ReadableStream & { receivedEncodedLength?: number };

/**
 * A preParsing hook for `Content-Encoding: gzip` bodies (RudderStack's node SDK gzips by default; Segment's API
 * accepts gzip). The route's body limit then counts the inflated bytes, so a small bomb cannot inflate past it;
 * `receivedEncodedLength` lets Fastify hold the compressed bytes to the Content-Length. Other encodings are a 415.
 */
export async function gzipBody(request: FastifyRequest, _reply: unknown, payload: Payload): Promise<Payload> {
  const encoding = request.headers['content-encoding']?.toString().trim().toLowerCase();
  if (!encoding || encoding === 'identity') return payload;
  if (encoding !== 'gzip')
    throw new TrackletError(
      'unsupported_media_type',
      `Content-Encoding ${encoding.slice(0, 32)} is not supported; send gzip or none`,
    );
  const gunzip: Payload = createGunzip();
  gunzip.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    gunzip.receivedEncodedLength = (gunzip.receivedEncodedLength ?? 0) + chunk.length;
  });
  gunzip.on('error', () => undefined);
  return payload.pipe(gunzip as NodeJS.WritableStream & Payload) as Payload;
}
