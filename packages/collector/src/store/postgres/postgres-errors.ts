import { TrackletError } from '../../errors.js';

/**
 * SQLSTATE classes that mean the server cannot serve now: 08 connection exception, 53 insufficient resources
 * (too many connections, disk full), 57 operator intervention (57P01 admin shutdown, 57P03 starting up, 57014
 * statement timeout), 58 system error (I/O).
 */
const unavailableStates = /^(08|53|57|58)/;
/** Node socket errors while connecting to or talking with the server. */
const unavailableSocketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
/** node-postgres's own messages for a connection that went away or never came (they carry no code). */
const unavailableMessages =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Client was closed|Connection ended/i;
/** Text PostgreSQL cannot hold and SQLite can: NUL characters (22021, 22P05) and lone surrogates in JSON (22P02). */
const unstorableText = new Set(['22021', '22P05', '22P02']);
/**
 * Another writer holds what a unit needs (deadlock 40P01, serialization 40001, lock not available 55P03) or won a
 * race for a unique key (23505): the unit is re-run at the start of the next transaction, where it sees the
 * winner's committed rows.
 */
const conflictStates = new Set(['40P01', '40001', '55P03', '23505']);

/** Thrown by lockIdentity when another collector holds the lock and this transaction already holds other locks. */
export class WriterConflict extends Error {
  constructor(key: string) {
    super(`another writer holds the lock on ${key}`);
    this.name = 'WriterConflict';
  }
}

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

function isUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && (unavailableSocketCodes.has(code) || (code.length === 5 && unavailableStates.test(code))))
    return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return error instanceof Error && code === undefined && unavailableMessages.test(error.message);
}

/** The contract's 503 for a server that is down or going away; a 400 for text it cannot store; others unchanged. */
export function classify(error: unknown): unknown {
  if (error instanceof TrackletError) return error;
  if (isUnavailable(error)) {
    return new TrackletError('store_unavailable', 'the database is not reachable right now; nothing was stored', {
      retryAfter: 1,
    });
  }
  const code = codeOf(error);
  if (code !== undefined && unstorableText.has(code)) {
    return new TrackletError(
      'invalid_field',
      'a text value holds a character the database cannot store (NUL or a lone surrogate)',
    );
  }
  return error;
}

export function isConflict(error: unknown): boolean {
  const code = codeOf(error);
  return error instanceof WriterConflict || (code !== undefined && conflictStates.has(code));
}
