import { TimeoutError } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { whenLogAnswers } from '../src/event-log/jetstream.js';

/** Failing in the given order, then answering `answer`. */
function attempts(failures: Error[], answer = 'ok') {
  let calls = 0;
  const setup = async () => {
    const failure = failures[calls++];
    if (failure) throw failure;
    return answer;
  };
  return { setup, calls: () => calls };
}

describe('whenLogAnswers (a start on an event log without a leader)', () => {
  it('asks again while JetStream does not answer, and resolves with the first answer', async () => {
    const { setup, calls } = attempts([new TimeoutError(), new TimeoutError()]);
    const waits: string[] = [];
    await expect(whenLogAnswers(setup, (error) => waits.push(error.name), 10_000)).resolves.toBe('ok');
    expect(calls()).toBe(3);
    expect(waits).toEqual(['TimeoutError', 'TimeoutError']);
  });

  it('fails at once for anything but an unanswered call (a stream it may not change, say)', async () => {
    const { setup, calls } = attempts([new Error('stream configuration update can not change subjects')]);
    await expect(whenLogAnswers(setup, () => {}, 10_000)).rejects.toThrow('can not change subjects');
    expect(calls()).toBe(1);
  });

  it('gives up with the last unanswered call once its wait is over', async () => {
    const { setup, calls } = attempts(Array.from({ length: 100 }, () => new TimeoutError()));
    await expect(whenLogAnswers(setup, () => {}, 600)).rejects.toBeInstanceOf(TimeoutError);
    expect(calls()).toBeGreaterThanOrEqual(2);
    expect(calls()).toBeLessThan(5);
  });
});
