import net from 'node:net';
import { scenarios } from './requests.mjs';

/**
 * An open-loop, evenly paced load generator, for the passes that run at a set rate (`overallRate`). autocannon's
 * rate limit is a per-connection budget refilled every second: each connection fires its whole budget back to back
 * when the second starts, then idles, so "half rate" is full load for part of every second. Here request i is due at
 * t0 + i / rate and is handed to the pool when it is due, whether or not earlier ones were answered (open loop).
 *
 * The pool: per URL, up to `connections` keep-alive sockets in all (split between the URLs), opened as needed, one
 * request in flight per socket (no pipelining); when every socket is busy the request waits in a FIFO queue. It
 * speaks just enough HTTP/1.1 for the bench's own servers (Content-Length or chunked bodies, `connection: close`),
 * on plain net sockets: node:http's client costs about twice the CPU per request, which on a 2-core machine is
 * taken from the server being measured. A request's latency runs from when it was DUE (not from when a socket took
 * it) to the last byte of its response, so a stalled server is charged for every request it held up (no coordinated
 * omission).
 *
 * The clock is a loop: each tick sends every request due by now, the schedule computed from t0 and the index (never
 * by adding intervals, so it does not drift), then sleeps until the next one is due (≥ 1 ms: a timer, not a busy
 * loop, so the load process leaves the CPU to the server; so a request can go out up to ~1 ms after it was due, and
 * that is in its latency). Scheduling stops after `duration` s or `maxRequests`; then it waits for what is in
 * flight, and a request unanswered 30 s after it was due is a timeout (its socket is closed).
 *
 * Config: { url | urls, scenario, params, connections, duration, maxRequests, overallRate, timeoutMs? } (requests
 * alternate between `urls`); `onResponse(status, body)` sees every response when given. Resolves with the shape of
 * lib/load.mjs' summary, plus offeredRate, lateSends (requests handed to the pool more than 5 ms after they were
 * due: the load process itself fell behind), maxSendLagMs, latencyFromSend (the percentiles again, from that
 * hand-over instead of the due time: a diagnostic, to tell the load process's own lag from the server's) and tailMs
 * (from the last request due to the last one settled).
 */
const TIMEOUT_MS = 30_000; // config.timeoutMs overrides it (for testing the generator)
const LATE_MS = 5;
const MAX_HEAD = 64 * 1024;
const CRLF2 = Buffer.from('\r\n\r\n');

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : 0;
const ms = (value) => Math.round(value * 100) / 100;

/** The response head: { status, length (bytes, or null), chunked, close }, or throws on anything malformed. */
function parseHead(head) {
  const lines = head.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
  if (!m) throw new Error(`bad status line ${JSON.stringify(lines[0].slice(0, 80))}`);
  const status = Number(m[2]);
  let length = null;
  let chunked = false;
  let close = m[1] === '0';
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon < 0) continue;
    const name = lines[i].slice(0, colon).trim().toLowerCase();
    const value = lines[i]
      .slice(colon + 1)
      .trim()
      .toLowerCase();
    if (name === 'content-length') length = Number(value);
    else if (name === 'transfer-encoding')
      chunked = value
        .split(',')
        .map((v) => v.trim())
        .includes('chunked');
    else if (name === 'connection')
      close = value.includes('close') ? true : value.includes('keep-alive') ? false : close;
  }
  if (status === 204 || status === 304) length = 0;
  if (chunked) length = null;
  else if (length !== null && !(Number.isInteger(length) && length >= 0)) throw new Error('bad content-length');
  return { status, length, chunked, close };
}

/** A chunked body from `start`: { body, end } once the last chunk and the trailers are in, else null. */
function dechunk(buf, start) {
  const parts = [];
  let pos = start;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos, 'latin1');
    if (eol < 0) return null;
    const size = parseInt(buf.toString('latin1', pos, eol).split(';')[0], 16);
    if (!(size >= 0)) throw new Error('bad chunk size');
    if (size === 0) {
      if (buf.length < eol + 4) return null;
      if (buf[eol + 2] === 13 && buf[eol + 3] === 10) return { body: Buffer.concat(parts), end: eol + 4 };
      const trailersEnd = buf.indexOf(CRLF2, eol + 2);
      return trailersEnd < 0 ? null : { body: Buffer.concat(parts), end: trailersEnd + 4 };
    }
    if (buf.length < eol + 2 + size + 2) return null;
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
}

/**
 * Keep-alive sockets to one host: `dispatch(job)` writes job.raw on a free connection, or a new one while fewer than
 * `size` are open, or queues it. `done(job, status, body)` / `fail(job)` report each job once.
 */
function createPool({ host, port, size, done, fail }) {
  const free = [];
  let queue = [];
  let head = 0;
  let open = 0;

  function nextQueued() {
    while (head < queue.length) {
      const job = queue[head++];
      if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      if (!job.settled) return job;
    }
    return null;
  }

  function assign(conn, job) {
    conn.job = job;
    job.conn = conn;
    conn.chunks = [];
    conn.bytes = 0;
    conn.head = null;
    conn.socket.write(job.raw);
  }

  function release(conn) {
    conn.job = null;
    const job = nextQueued();
    if (job) assign(conn, job);
    else free.push(conn);
  }

  function onData(conn, chunk) {
    const job = conn.job;
    if (!job) {
      conn.socket.destroy();
      return;
    } // bytes nobody asked for
    conn.chunks.push(chunk);
    conn.bytes += chunk.length;
    const buf = conn.chunks.length === 1 ? chunk : Buffer.concat(conn.chunks, conn.bytes);
    conn.chunks = [buf];
    let status;
    let body;
    let close;
    try {
      if (!conn.head) {
        const end = buf.indexOf(CRLF2);
        if (end < 0) {
          if (buf.length > MAX_HEAD) throw new Error('response head too large');
          return;
        }
        conn.head = { ...parseHead(buf.toString('latin1', 0, end)), start: end + 4 };
        if (conn.head.status < 200) {
          // an interim response (100 Continue): drop it, read the real one
          const rest = buf.subarray(end + 4);
          conn.chunks = [];
          conn.bytes = 0;
          conn.head = null;
          if (rest.length) onData(conn, rest);
          return;
        }
      }
      const { length, chunked, start } = conn.head;
      ({ status, close } = conn.head);
      if (length !== null) {
        if (buf.length < start + length) return;
        if (buf.length > start + length) throw new Error('bytes after the response');
        body = buf.subarray(start);
      } else if (chunked) {
        const whole = dechunk(buf, start);
        if (!whole) return;
        if (whole.end !== buf.length) throw new Error('bytes after the response');
        body = whole.body;
      } else {
        return; // delimited by the end of the connection: completed in onClose
      }
    } catch {
      conn.socket.destroy(); // onClose fails the job
      return;
    }
    // The connection first (free, or on to the next queued job), then the report, which may end the run.
    if (close) {
      conn.job = null;
      conn.socket.destroy();
    } else release(conn);
    done(job, status, body);
  }

  function onClose(conn) {
    open--;
    const i = free.indexOf(conn);
    if (i >= 0) free.splice(i, 1);
    const { job, head: h } = conn;
    conn.job = null;
    if (job) {
      if (h && h.length === null && !h.chunked && !job.timedOut)
        done(job, h.status, Buffer.concat(conn.chunks).subarray(h.start));
      else fail(job);
    }
    if (head < queue.length && open < size) {
      const next = nextQueued();
      if (next) assign(connect(), next);
    }
  }

  function connect() {
    open++;
    const conn = { socket: net.connect({ host, port, noDelay: true }), job: null, chunks: [], bytes: 0, head: null };
    conn.socket.on('data', (chunk) => onData(conn, chunk));
    conn.socket.on('error', () => {}); // followed by 'close'
    conn.socket.on('close', () => onClose(conn));
    return conn;
  }

  return {
    dispatch(job) {
      const conn = free.pop() ?? (open < size ? connect() : null);
      if (conn) assign(conn, job);
      else queue.push(job);
    },
    destroy() {
      for (const conn of free.splice(0)) conn.socket.destroy();
    },
  };
}

export function pacedLoad(config, onResponse) {
  const urls = (config.urls ?? [config.url]).map((u) => new URL(u));
  const rate = config.overallRate;
  if (!(rate > 0)) throw new Error(`paced load needs a positive overallRate, got ${rate}`);
  const scenario = scenarios[config.scenario](config.params);
  const perResponse = scenario.perResponse;
  const wantBody = Boolean(perResponse || onResponse);
  const timeoutMs = config.timeoutMs ?? TIMEOUT_MS;
  const socketsPerUrl = Math.max(1, Math.ceil(config.connections / urls.length));
  // Each template's fixed header lines, once; the request line, length and body are per request.
  const templates = urls.map((url) =>
    scenario.requests.map((template) => ({
      template,
      headers: Object.entries({ host: url.host, ...template.headers })
        .filter(([name]) => name.toLowerCase() !== 'content-length')
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join(''),
    })),
  );

  const total = Math.max(1, Math.min(config.maxRequests ?? Infinity, Math.ceil(config.duration * rate)));
  const intervalMs = 1000 / rate;
  const latencies = new Float64Array(total);
  const fromSend = new Float64Array(total);
  let measured = 0;
  const statusCodes = {};
  const counts = { ok: 0, non2xx: 0, errors: 0, timeouts: 0, events: 0, lateSends: 0 };
  let maxSendLagMs = 0;
  const inFlight = new Set();
  let sent = 0;
  let lastSettled = 0;
  let finished = false;
  let finish;

  const settle = (job) => {
    job.settled = true;
    inFlight.delete(job);
    lastSettled = performance.now();
    if (sent === total && inFlight.size === 0) finish();
  };
  const done = (job, status, body) => {
    if (job.settled) return;
    const end = performance.now();
    latencies[measured] = end - job.due;
    fromSend[measured++] = end - job.handedOver;
    (statusCodes[status] ??= { count: 0 }).count++;
    if (status >= 200 && status < 300) counts.ok++;
    else counts.non2xx++;
    if (wantBody) {
      const text = body.toString('utf8');
      if (perResponse) counts.events += perResponse(status, text);
      if (onResponse) onResponse(status, text);
    }
    settle(job);
  };
  const fail = (job) => {
    if (job.settled) return;
    counts[job.timedOut ? 'timeouts' : 'errors']++;
    settle(job);
  };
  const pools = urls.map((url) =>
    createPool({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 80),
      size: socketsPerUrl,
      done,
      fail,
    }),
  );

  function send(i, due, now) {
    const lag = now - due;
    if (lag > LATE_MS) counts.lateSends++;
    if (lag > maxSendLagMs) maxSendLagMs = lag;
    const target = i % urls.length;
    const forUrl = templates[target];
    const { template, headers } = forUrl[Math.floor(i / urls.length) % forUrl.length];
    const request = template.setupRequest
      ? template.setupRequest({ ...template, headers: { ...template.headers } })
      : template;
    const body = request.body ?? '';
    const length = body === '' && request.method === 'GET' ? '' : `content-length: ${Buffer.byteLength(body)}\r\n`;
    const job = {
      due,
      handedOver: now,
      raw: `${request.method} ${request.path} HTTP/1.1\r\n${headers}${length}\r\n${body}`,
      settled: false,
      timedOut: false,
      conn: null,
    };
    inFlight.add(job);
    pools[target].dispatch(job);
  }

  const cpuStart = process.cpuUsage();
  const t0 = performance.now();

  return new Promise((resolve) => {
    // Requests unanswered timeoutMs after they were due, whether queued or on a socket, are timeouts.
    const sweeper = setInterval(
      () => {
        const now = performance.now();
        for (const job of inFlight) {
          if (now - job.due <= timeoutMs || job.timedOut) continue;
          job.timedOut = true;
          if (job.conn)
            job.conn.socket.destroy(); // its pool's onClose fails it
          else fail(job); // still queued: skipped when its turn comes
        }
      },
      Math.min(1000, timeoutMs / 4),
    );

    finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(sweeper);
      for (const pool of pools) pool.destroy();
      const cpu = process.cpuUsage(cpuStart);
      const seconds = total / rate; // t0 to the end of the last scheduled slot: `duration` unless maxRequests cut it
      const summary = (values) => {
        const sorted = values.subarray(0, measured).sort();
        let sum = 0;
        for (const v of sorted) sum += v;
        return {
          p50: ms(percentile(sorted, 0.5)),
          p90: ms(percentile(sorted, 0.9)),
          p99: ms(percentile(sorted, 0.99)),
          max: ms(sorted.length ? sorted[sorted.length - 1] : 0),
          mean: ms(sorted.length ? sum / sorted.length : 0),
        };
      };
      const events = perResponse ? counts.events : counts.ok;
      resolve({
        loadCpu: (cpu.user + cpu.system) / 1e6 / seconds,
        seconds,
        ok: counts.ok,
        non2xx: counts.non2xx,
        errors: counts.errors,
        timeouts: counts.timeouts,
        statusCodes,
        reqPerSec: counts.ok / seconds,
        events,
        eventsPerSec: events / seconds,
        latency: summary(latencies),
        latencyFromSend: summary(fromSend),
        offeredRate: total / seconds,
        lateSends: counts.lateSends,
        maxSendLagMs: ms(maxSendLagMs),
        tailMs: ms(Math.max(0, lastSettled - (t0 + (total - 1) * intervalMs))),
      });
    };

    function tick() {
      while (sent < total) {
        const due = t0 + sent * intervalMs;
        const now = performance.now();
        if (due > now) break;
        send(sent++, due, now);
      }
      if (sent < total) setTimeout(tick, Math.max(1, Math.floor(t0 + sent * intervalMs - performance.now())));
      else if (inFlight.size === 0) finish();
    }
    tick();
  });
}
