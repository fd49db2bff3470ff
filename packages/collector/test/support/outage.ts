import { expect } from 'vitest';
import type { Answer } from './collector.js';

/** Polls until `check` holds (a collector reconnects on its own schedule); fails after `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The contract's 503 for a store or log that cannot serve: one store_unavailable error, Retry-After 1, no internals. */
export function expectUnavailable(answer: Answer): void {
  expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(503);
  expect(answer.headers.get('retry-after')).toBe('1');
  expect(answer.body.errors).toEqual([
    expect.objectContaining({ code: 'store_unavailable', message: 'Store unavailable' }),
  ]);
  expect(JSON.stringify(answer.body)).not.toMatch(/ECONNREFUSED|at .*\.js/);
}
