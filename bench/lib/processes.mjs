import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Child processes of the bench: servers that print their address once listening, and the load generator. Every
 * child is ended by its pid (never by name), and a bench that fails still stops the children it started.
 */
const children = new Set();

export function stopAllChildren() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.once('exit', stopAllChildren);

/** Spawns `command args` and resolves with the first match of `pattern` in its stdout. */
export function spawnServer(command, args, { env = {}, pattern, timeoutMs = 60_000 } = {}) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const ready = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${args.join(' ')} did not start in ${timeoutMs} ms\n${stderr}`)),
      timeoutMs,
    );
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = pattern.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code ?? signal})\n${stderr}`));
    });
  });
  return { child, ready, stderr: () => stderr };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild(child, graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Runs a Node module with IPC, sends it `message`, resolves with its one reply; killed after `timeoutMs`. */
export function runWorker(modulePath, message, timeoutMs) {
  const child = fork(modulePath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  return new Promise((resolve, reject) => {
    let reply;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${modulePath} ran past ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (m) => {
      reply = m;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      if (reply?.error) reject(new Error(reply.error));
      else if (reply) resolve(reply);
      else reject(new Error(`${modulePath} exited (${code}) without a result`));
    });
    child.send(message);
  });
}

/** A /proc/<pid>/status field in kB (VmRSS, VmHWM), or null when the process is gone or /proc is absent. */
export function procStatusKb(pid, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Samples a process's resident set every `everyMs` until stopped; `stop()` returns the peak seen, in MB. */
export function sampleRss(pid, everyMs = 100) {
  let peakKb = procStatusKb(pid, 'VmRSS') ?? 0;
  const timer = setInterval(() => {
    peakKb = Math.max(peakKb, procStatusKb(pid, 'VmRSS') ?? 0);
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return peakKb / 1024;
    },
  };
}
