import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chaosRunner } from '../lib/chaos.mjs';
import { postgresFixture } from '../lib/postgres.mjs';

export const description =
  'kill -9 cycles (issue #7): 20 SIGKILLs per store; every acknowledged event stored exactly once';

/** `npm run bench -- chaos [CYCLES] [sqlite|postgres]`; CHAOS_SEED=<seed> replays a plan. */
export default async function chaos({ args }) {
  const cycles = Number(args.find((a) => /^\d+$/.test(a)) ?? 20);
  const stores = args.filter((a) => a === 'sqlite' || a === 'postgres');
  const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const { runKillCycles } = await chaosRunner();
  const budgets = [];
  for (const store of stores.length ? stores : ['sqlite', 'postgres']) {
    const dir = mkdtempSync(join(tmpdir(), `tracklet-chaos-${store}-`));
    let server;
    try {
      let db = join(dir, 'chaos.db');
      if (store === 'postgres') {
        const { startPostgresServer, createDatabase } = await postgresFixture();
        server = await startPostgresServer();
        db = await createDatabase(server.url());
      }
      console.log(`chaos on ${store}: ${cycles} cycles, seed ${seed} (replay with CHAOS_SEED=${seed})`);
      // runKillCycles throws when an acknowledged event is missing or stored twice.
      const report = await runKillCycles({ db, dir, cycles, seed, log: (line) => console.log(`  ${line}`) });
      console.log(`chaos on ${store}: ${JSON.stringify(report)}`);
      budgets.push({
        name: `${store}: every acknowledged event stored exactly once over ${cycles} SIGKILLs`,
        pass: report.cycles === cycles && report.stored >= report.acknowledged,
      });
    } catch (error) {
      console.error(`chaos on ${store} failed: ${error instanceof Error ? error.message : String(error)}`);
      budgets.push({ name: `${store}: kill -9 cycles`, pass: false });
    } finally {
      await server?.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const b of budgets) console.log(`${b.pass ? 'pass' : 'FAIL'}  ${b.name}`);
  return budgets;
}
