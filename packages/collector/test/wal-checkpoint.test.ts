import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testStore } from './support/collector.js';
import { useCollector } from './support/use-collector.js';
import { WalCheckpointer } from '../src/store/sqlite/wal-checkpointer.js';

const pageSize = 4096;

/**
 * Issue #6: the SQLite writer's WAL is copied back into the database file by a thread of its own, not by the COMMIT
 * that crosses SQLite's automatic threshold on the event loop.
 */
describe.skipIf(testStore !== 'sqlite')('WAL checkpoints on their own thread', () => {
  const c = useCollector();

  it('moves committed pages into the database file long before the writer’s own automatic checkpoint would', async () => {
    const db = c.dbPath;
    const api = c.live;
    const before = statSync(db).size;
    const events = Array.from({ length: 100 }, (_, i) => ({
      event: 'padded',
      contact_email: `p${i}@example.com`,
      data: { pad: 'x'.repeat(2000), more: 'y'.repeat(1000) },
    }));
    const answer = await api.post('/v1/events/batch', { events });
    expect(answer.body.results.filter((r: { status: string }) => r.status === 'created')).toHaveLength(100);
    // ~100 pages of events: a tenth of SQLite's default threshold, a hundredth of the writer's fallback.
    const walPages = statSync(`${db}-wal`).size / pageSize;
    expect(walPages).toBeLessThan(WalCheckpointer.fallbackPages);
    const deadline = Date.now() + 5_000;
    while (statSync(db).size < before + 100 * 3000 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(statSync(db).size).toBeGreaterThanOrEqual(before + 100 * 3000);
  });
});
