import { createUserAgentParser } from '../../packages/collector/dist/pipeline/enrich-user-agent.js';

/**
 * Micro-benchmark of the enrich step (user-agent parse behind its LRU cache), in its own process: µs per event
 * with a cold cache (every agent new: a real ua-parser-js parse plus isbot) and a warm one (a few hundred agents
 * that repeat, as real traffic does).
 */
const templates = [
  (v) =>
    `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
  (v) =>
    `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v % 20}.1 Safari/605.1.15`,
  (v) =>
    `Mozilla/5.0 (iPhone; CPU iPhone OS 17_${v % 10} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1`,
  (v) =>
    `Mozilla/5.0 (Linux; Android 14; Pixel ${v % 9}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`,
  (v) => `Mozilla/5.0 (X11; Linux x86_64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
  (v) =>
    `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.0.0`,
  (v) =>
    `Mozilla/5.0 (iPad; CPU OS 16_${v % 10} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1`,
  (v) => `Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/${v}.0.0.0`,
];
/** n distinct, realistic user agents. */
const agents = (n, salt = 0) =>
  Array.from(
    { length: n },
    (_, i) =>
      `${templates[i % templates.length](100 + Math.floor(i / templates.length))}${salt ? ` bench/${salt}` : ''}`,
  );

function microsPerCall(fn, inputs, rounds) {
  const started = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const input of inputs) fn(input);
  return Number(process.hrtime.bigint() - started) / 1000 / (rounds * inputs.length);
}

process.once('message', ({ coldAgents = 5000, warmAgents = 300, warmCalls = 300_000 }) => {
  // Warm up the JIT on other agents first, so "cold" measures cache misses, not V8 compiling ua-parser-js.
  const warmup = createUserAgentParser();
  for (const ua of agents(2000, 1)) warmup(ua);

  const coldParser = createUserAgentParser();
  const cold = microsPerCall(coldParser, agents(coldAgents, 2), 1);

  const warmParser = createUserAgentParser();
  const repeated = agents(warmAgents, 3);
  for (const ua of repeated) warmParser(ua);
  const warm = microsPerCall(warmParser, repeated, Math.ceil(warmCalls / warmAgents));
  process.send({ coldMicros: cold, warmMicros: warm, coldAgents, warmAgents, warmCalls }, () => process.exit(0));
});
