import type { FastifyInstance, FastifyRequest } from 'fastify';
import { limits } from '@tracklet/protocol';
import { TrackletError } from './errors.js';

type Done = (error: Error | null, body?: unknown) => void;
type Parser = (request: FastifyRequest, body: string, done: Done) => void;

/** How deep objects and arrays nest in JSON text, counted without parsing (stops counting past `max`). */
export function jsonDepth(text: string, max: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest && (deepest = depth) > max) return deepest;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Fastify's own JSON parser (which refuses `__proto__` and `constructor.prototype` keys), behind a nesting limit:
 * JSON.parse copes with any depth, but whatever walks the value afterwards recursively (validation, JSON.stringify)
 * would overflow the stack on a body nested thousands deep (found by the fuzz suite, issue #7).
 */
export function depthLimitedJsonParser(app: FastifyInstance): Parser {
  const parse = app.getDefaultJsonParser('error', 'error') as unknown as Parser;
  return (request, body, done) => {
    if (jsonDepth(body, limits.maxJsonDepth) > limits.maxJsonDepth) {
      done(
        new TrackletError(
          'invalid_body',
          `the body nests objects and arrays more than ${limits.maxJsonDepth} levels deep`,
        ),
      );
      return;
    }
    parse(request, body, done);
  };
}
