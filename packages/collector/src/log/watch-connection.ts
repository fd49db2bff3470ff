import type { NatsConnection } from '@nats-io/transport-node';

/** Whether the connection is up now, from its status events (nats.js has no synchronous "connected" flag). */
export interface ConnectionState {
  readonly up: boolean;
}

/** Follows disconnect / reconnect / close of a connection that is connected when given. */
export function watchConnection(nc: NatsConnection): ConnectionState {
  const state = { up: true };
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'close') state.up = false;
      else if (status.type === 'reconnect') state.up = true;
    }
  })();
  void nc.closed().then(() => {
    state.up = false;
  });
  return state;
}
