import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const pg = 'postgres://tracklet@db.internal:5432/tracklet';

describe('log mode configuration (TRACKLET_LOG)', () => {
  it('is off without TRACKLET_LOG: events go straight to the store', () => {
    expect(loadConfig({ TRACKLET_DB: pg }).log).toBeNull();
  });

  it('takes comma-separated nats:// URLs, with the documented defaults', () => {
    expect(loadConfig({ TRACKLET_DB: pg, TRACKLET_LOG: 'nats://a:4222, nats://b:4222' }).log).toEqual({
      servers: ['nats://a:4222', 'nats://b:4222'],
      stream: 'tracklet_events',
      replicas: 1,
      waitMs: 10_000,
      ackWaitMs: 30_000,
      batchSize: 500,
      maxAckPending: 4000,
    });
  });

  it('stops the start with a clear message when the store is not PostgreSQL', () => {
    expect(() => loadConfig({ TRACKLET_DB: './data/tracklet.db', TRACKLET_LOG: 'nats://a:4222' })).toThrow(
      /TRACKLET_LOG needs a PostgreSQL store/,
    );
    expect(() => loadConfig({ TRACKLET_LOG: 'nats://a:4222' })).toThrow(/postgres:\/\//);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ TRACKLET_DB: pg, TRACKLET_LOG: 'http://a:4222' })).toThrow(
      /TRACKLET_LOG must be nats:\/\//,
    );
    expect(() => loadConfig({ TRACKLET_DB: pg, TRACKLET_LOG: 'nats://a', TRACKLET_LOG_STREAM: 'a.b' })).toThrow(
      /TRACKLET_LOG_STREAM/,
    );
    expect(() => loadConfig({ TRACKLET_DB: pg, TRACKLET_LOG: 'nats://a', TRACKLET_LOG_REPLICAS: '0' })).toThrow(
      /TRACKLET_LOG_REPLICAS/,
    );
    expect(() => loadConfig({ TRACKLET_DB: pg, TRACKLET_LOG: 'nats://a', TRACKLET_WRITER_ACK_WAIT_MS: '10' })).toThrow(
      /TRACKLET_WRITER_ACK_WAIT_MS/,
    );
  });
});
