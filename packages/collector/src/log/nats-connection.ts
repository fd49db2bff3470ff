import { connect, type NatsConnection } from '@nats-io/transport-node';

/**
 * A connection to the JetStream cluster that fails over between the servers and reconnects forever; pings every
 * 5 s, so a server that went silent is noticed within ~10 s (a killed one at once: its socket closes).
 * Fails with a clear message when no server answers at start.
 */
export async function connectToLog(servers: string[], name: string): Promise<NatsConnection> {
  try {
    return await connect({
      servers,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 5000,
      pingInterval: 5000,
      maxPingOut: 2,
    });
  } catch (error) {
    throw new Error(
      `cannot connect to the event log (TRACKLET_LOG=${servers.join(',')}): ${(error as Error).message}`,
      { cause: error },
    );
  }
}
