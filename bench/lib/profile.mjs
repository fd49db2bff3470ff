import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Where a function lives, coarsely: a collector source file, a dependency, Node itself, or V8. */
function moduleOf(path, functionName) {
  if (!path) return functionName.startsWith('(') ? functionName : '(native: syscalls, C++ bindings)';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (dependency) return `dependency ${dependency[1]}`;
  if (path.startsWith('node:')) return 'Node.js internals';
  return path.replace(/^packages\/collector\/dist\//, 'collector ');
}

/**
 * The hottest functions of the main thread's newest .cpuprofile in `dir` (written by node --cpu-prof when the
 * collector exits; named CPU.<date>.<time>.<pid>.<thread>.<seq>, thread 0 the main one: a worker thread, such as the
 * SQLite checkpointer, writes its own): self time per function, as a share of the sampled time, idle excluded.
 */
export function topFunctions(dir, count = 15) {
  const file = readdirSync(dir)
    .filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))
    .sort()
    .at(-1);
  if (!file) return null;
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas;
  const self = new Map();
  const byModule = new Map();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const micros = deltas[i] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += micros;
      return;
    }
    total += micros;
    const path = url.startsWith('file:')
      ? relative(root, fileURLToPath(url))
      : url.startsWith('/')
        ? relative(root, url)
        : url;
    const where = path ? `${path}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + micros);
    const module = moduleOf(path, functionName);
    byModule.set(module, (byModule.get(module) ?? 0) + micros);
  });
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([fn, micros]) => ({ fn, share: micros / total, ms: micros / 1000 }));
  const modules = [...byModule.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([module, micros]) => ({ module, share: micros / total }));
  return { file: join(dir, file), busyMs: total / 1000, idleMs: idle / 1000, top, modules };
}
