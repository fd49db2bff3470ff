/**
 * The collector's /metrics before and after a scenario, reduced to what explains a number: how many group commits
 * ran, how many units each carried (tracklet_store_commit_units) and how long each took (tracklet_store_commit_seconds).
 */
function histogram(text, name) {
  const value = (suffix) => Number(new RegExp(`^${name}_${suffix}(?:\\{\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? 0);
  const buckets = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} ([0-9.e+-]+)$`, 'gm'))].map(
    ([, le, count]) => ({ le: le === '+Inf' ? Infinity : Number(le), count: Number(count) }),
  );
  return { count: value('count'), sum: value('sum'), buckets };
}

function counterTotal(text, name) {
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

export function snapshot(text) {
  return {
    units: histogram(text, 'tracklet_store_commit_units'),
    seconds: histogram(text, 'tracklet_store_commit_seconds'),
    accepted: counterTotal(text, 'tracklet_events_accepted_total'),
  };
}

/** The bucket bound under which half of the (differenced) observations fall. */
function medianBound(after, before) {
  const diff = after.buckets.map((b, i) => ({ le: b.le, count: b.count - (before.buckets[i]?.count ?? 0) }));
  const total = diff.at(-1)?.count ?? 0;
  return total ? (diff.find((b) => b.count >= total / 2)?.le ?? null) : null;
}

export function commitStats(before, after) {
  const commits = after.units.count - before.units.count;
  const units = after.units.sum - before.units.sum;
  const seconds = after.seconds.sum - before.seconds.sum;
  return {
    commits,
    unitsPerCommit: commits ? units / commits : null,
    medianUnitsBucket: medianBound(after.units, before.units),
    msPerCommit: commits ? (seconds * 1000) / commits : null,
    medianMsBucket: ((b) => (b === null ? null : b * 1000))(medianBound(after.seconds, before.seconds)),
    accepted: after.accepted - before.accepted,
  };
}
