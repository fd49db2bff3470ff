import { expect } from 'vitest';
import type { Answer } from './collector.js';

/**
 * The contract's error answer: this status, every error with a code and a message, and one error with this code
 * (`null`: any) and, when given, this path.
 */
export function expectError(answer: Answer, status: number, code: string | null, path?: string): void {
  expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(status);
  expect(answer.body.errors.length).toBeGreaterThan(0);
  for (const e of answer.body.errors)
    expect(e).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  expect(answer.body.errors).toContainEqual(
    expect.objectContaining({ ...(code !== null ? { code } : {}), ...(path !== undefined ? { path } : {}) }),
  );
}
