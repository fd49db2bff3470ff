import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** `'sha256-…'` CSP sources of every inline `<script>` (without src) or `<style>` of the pages, as served. */
export function inlineHashes(pages: string[], tag: 'script' | 'style'): string[] {
  const pattern = new RegExp(`<${tag}\\b([^>]*)>([\\s\\S]*?)</${tag}>`, 'gi');
  const hashes = new Set<string>();
  for (const page of pages) {
    for (const [, attributes, body] of page.matchAll(pattern)) {
      if (tag === 'script' && /\bsrc\s*=/i.test(attributes ?? '')) continue;
      hashes.add(
        `'sha256-${createHash('sha256')
          .update(body ?? '')
          .digest('base64')}'`,
      );
    }
  }
  return [...hashes];
}

/** Headers every answer of a scope gets from helmet, whatever it serves. */
const common = {
  // Whether the collector sits behind TLS is the operator's business; HSTS from it could pin a whole domain.
  strictTransportSecurity: false,
  // The browser's own default: pages keep sending their origin, so the tracker still sees referrers between them.
  referrerPolicy: { policy: 'strict-origin-when-cross-origin' as const },
  xFrameOptions: { action: 'deny' as const },
};

/**
 * The demo's HTML, scripts and styles (issue #7): a strict CSP that allows this origin and, by hash, exactly the
 * inline scripts and styles of the pages (tag.html's queue stub) — no 'unsafe-inline' — and no framing.
 */
export async function htmlSecurityHeaders(app: FastifyInstance, pages: string[]): Promise<void> {
  await app.register(helmet, {
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", ...inlineHashes(pages, 'script')],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'", ...inlineHashes(pages, 'style')],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
  });
}

/**
 * `/t.js`: loaded by other sites' pages, so its resource policy is cross-origin (pages with COEP can embed it);
 * nosniff makes browsers run it only as JavaScript.
 */
export async function scriptSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    ...common,
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
  });
}
