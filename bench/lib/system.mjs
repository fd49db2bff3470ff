import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; null when unknown. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}

/** The commit the tree is at, and whether the collector's or protocol's sources differ from it. */
function gitState() {
  try {
    const run = (...args) =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = run('rev-parse', '--short', 'HEAD');
    const changed = run('status', '--porcelain', '--', 'packages/collector/src', 'packages/protocol/src')
      .split('\n')
      .filter(Boolean).length;
    return changed ? `${head} + ${changed} uncommitted source files` : head;
  } catch {
    return 'an unknown commit';
  }
}

/** What the numbers depend on: when, where, how busy the machine was. */
export function systemInfo() {
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    /* os.availableParallelism() it is */
  }
  return {
    date: new Date().toISOString(),
    nproc,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: os.totalmem() / 2 ** 30,
    node: process.version,
    loadStart: os.loadavg(),
    git: gitState(),
  };
}
