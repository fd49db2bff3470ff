import type { TestProject } from 'vitest/node';
import { startNatsCluster } from './nats-cluster.js';

/** The cluster project's second globalSetup: a 3-node JetStream cluster for the run (PostgreSQL comes from the first). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startNatsCluster({ nodes: 3 });
  project.provide('natsUrl', cluster.url);
  return () => cluster.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test JetStream cluster's client URLs, comma-separated as TRACKLET_LOG takes them (cluster project only). */
    natsUrl: string;
  }
}
