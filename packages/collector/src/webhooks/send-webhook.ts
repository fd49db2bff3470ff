import http from 'node:http';
import https from 'node:https';
import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, PrivateAddressError, type Resolver, systemResolver } from './ssrf-guard.js';

export const maxBodyBytes = 256 * 1024;
const maxAnswerBytes = 4 * 1024;

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  resolve?: Resolver;
  /** Aborts the attempt (the worker closing). */
  signal?: AbortSignal;
}

/** What one attempt gave: a 2xx is delivered; anything else (or no answer: `error`) is retried. */
export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** True when retrying cannot help (the body is too large): the delivery fails at once. */
  permanent?: boolean;
}

/** A secret's HMAC key: the base64 after `whsec_` (Standard Webhooks), decoded once per secret. */
const hmacKeys = new Map<string, Buffer>();
function hmacKey(secret: string): Buffer {
  let key = hmacKeys.get(secret);
  if (!key) {
    if (hmacKeys.size > 10_000) hmacKeys.clear();
    hmacKeys.set(secret, (key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')));
  }
  return key;
}

/**
 * The Standard Webhooks headers for one message: `webhook-signature` carries one `v1,<HMAC-SHA256>` per secret
 * (during a rotation the new and the old one, space-separated, as the spec allows). The HMAC is node:crypto's, over
 * `${id}.${timestamp}.${body}` exactly as the `standardwebhooks` package signs (its verifier is the tests'), since
 * that package's SHA-256 is pure JavaScript and cost as much as a tenth of a delivery (issue #21's profile).
 */
export function signatureHeaders(messageId: string, at: Date, body: string, secrets: string[]): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signed = `${messageId}.${timestamp}.${body}`;
  return {
    'webhook-id': messageId,
    'webhook-timestamp': timestamp,
    'webhook-signature': secrets
      .map((secret) => `v1,${createHmac('sha256', hmacKey(secret)).update(signed).digest('base64')}`)
      .join(' '),
  };
}

/** Keep-alive agents shared by every delivery, so a busy endpoint reuses its connections. */
const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/**
 * One POST of a signed body: node:http (not fetch) so the connect-time lookup refuses private addresses, redirects
 * are not followed (a 3xx is a failure), the answer's body is read to 4 KB at most, and the whole attempt is cut at
 * `timeoutMs`. Never throws.
 */
export function sendWebhook(url: string, body: string, headers: Record<string, string>, options: SendOptions) {
  const started = performance.now();
  const done = (r: Omit<AttemptResult, 'durationMs'>): AttemptResult => ({
    ...r,
    durationMs: Math.round(performance.now() - started),
  });
  if (Buffer.byteLength(body) > maxBodyBytes)
    return Promise.resolve(
      done({ ok: false, statusCode: null, error: `body over ${maxBodyBytes} bytes: not sent`, permanent: true }),
    );
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(host) && isPrivateAddress(host))
    return Promise.resolve(done({ ok: false, statusCode: null, error: new PrivateAddressError(host, host).message }));
  const secure = target.protocol === 'https:';
  return new Promise<AttemptResult>((resolve) => {
    const request = (secure ? https : http).request(target, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      lookup: guardedLookup(options.resolve ?? systemResolver, options.allowPrivate),
      ...(options.signal ? { signal: options.signal } : {}),
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': 'Tracklet-Webhooks/1',
      },
    });
    const timer = setTimeout(
      () => request.destroy(new Error(`timed out after ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const finish = (result: AttemptResult) => {
      clearTimeout(timer);
      resolve(result);
    };
    request.on('error', (error) => finish(done({ ok: false, statusCode: null, error: error.message })));
    request.on('response', (response) => {
      const code = response.statusCode ?? 0;
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        // Only the first 4 KB matter; the rest is not waited for.
        if (read >= maxAnswerBytes) response.destroy();
      });
      const settle = () =>
        finish(
          done({ ok: code >= 200 && code < 300, statusCode: code, error: code >= 300 ? `answered ${code}` : null }),
        );
      response.on('end', settle);
      response.on('close', settle);
    });
    request.end(body);
  });
}
