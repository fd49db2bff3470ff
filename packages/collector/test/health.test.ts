import { describe, expect, it } from 'vitest';
import { call, testStore } from './support/collector.js';
import { useCollector } from './support/use-collector.js';

describe('health, readiness, metrics and the OpenAPI document', () => {
  const c = useCollector({ account: false });

  it('answers /healthz and /readyz with the store kind', async () => {
    expect((await call(`${c.url}/healthz`)).body).toEqual({ status: 'ok' });
    expect((await call(`${c.url}/readyz`)).body).toEqual({ status: 'ready', store: testStore });
  });

  it('serves Prometheus text with the event counters and the commit latency histogram', async () => {
    const answer = await call(`${c.url}/metrics`);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    expect(answer.body).toContain('# TYPE tracklet_events_accepted_total counter');
    expect(answer.body).toContain('# TYPE tracklet_store_commit_seconds histogram');
  });

  it('serves an OpenAPI 3.1 document generated from the protocol schemas', async () => {
    const { body } = await call(`${c.url}/openapi.json`);
    expect(body.openapi).toBe('3.1.0');
    expect(body.components.schemas.EventInput.properties.event.pattern).toBe('^[a-z][a-z0-9_]{0,63}$');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/v1/events', '/v1/collect', '/v1/contacts/{id}']));
  });

  it('answers unknown routes 404 in the error shape', async () => {
    const answer = await call(`${c.url}/nope`);
    expect(answer.status).toBe(404);
    expect(answer.body.errors[0].code).toBe('not_found');
  });
});
