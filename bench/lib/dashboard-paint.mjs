/* global window, document, MutationObserver -- the observer and the waits run in the page, not in Node */
/**
 * One first paint of the dashboard in real Chromium (issue #19): from navigation start to every panel out of its
 * loading state (the panels' `data-state`, dashboard/src/use-stats.ts), each panel's time, and every stats request
 * the page sent with its own duration, so the slow query shows. Times are the page's `performance.now()`, whose
 * zero is the navigation's start.
 */

/** The panels that make "painted": the KPIs' numbers, the top graph and the breakdowns (goals included). */
export const PANELS = ['KPIs', 'Graph', 'Pages', 'Sources', 'Countries', 'Devices', 'Goals'];
/** Shown, not part of "painted": the KPIs' change needs the previous period's query, sent after the first answer. */
export const EXTRA = 'KPI change';

/** Runs in the page before its scripts: notes when each panel first leaves `loading`. */
function observePanels() {
  const seen = {};
  window.__panels = seen;
  const note = (name, state) => {
    if (state && state !== 'loading' && !(name in seen)) seen[name] = { state, ms: performance.now() };
  };
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('[data-state]')) {
      const name = el.dataset.panel ?? (el.classList.contains('kpis') ? 'KPIs' : null);
      if (!name) continue;
      note(name, el.dataset.state);
      if (name === 'KPIs') note('KPI change', el.dataset.compareState);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

/** What a stats request asked for, in a few words (its dimensions, or its metrics and range). */
function describe(body) {
  const range = Array.isArray(body.date_range) ? body.date_range.join('…') : body.date_range;
  const what = body.dimensions?.length ? body.dimensions.join(',') : body.metrics.join(',');
  return `${what} (${range}${body.filters?.length ? ', filtered' : ''})`;
}

/**
 * Opens `${url}/dashboard/` in a new context of `browser` with the live key already signed in (sessionStorage, as
 * the sign-in form leaves it), waits up to `timeoutMs` for every panel, and answers the times.
 */
export async function paintOnce(browser, { url, key, timeoutMs }) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  try {
    await context.addInitScript((k) => sessionStorage.setItem('tracklet_dashboard_key', k), key);
    await context.addInitScript(observePanels);
    const page = await context.newPage();
    const requests = [];
    page.on('requestfinished', async (request) => {
      if (!request.url().includes('/v1/stats/')) return;
      const t = request.timing();
      const body = request.postDataJSON();
      requests.push({ what: body ? describe(body) : 'realtime', body: request.postData(), ms: t.responseEnd });
    });
    await page.goto(`${url}/dashboard/`);
    const painted = await page
      .waitForFunction((names) => names.every((n) => n in (window.__panels ?? {})), PANELS, {
        timeout: timeoutMs,
        polling: 50,
      })
      .then(
        () => true,
        () => false,
      );
    // The KPI change arrives one query later: give it what is left of the time box, not more.
    await page
      .waitForFunction((n) => n in (window.__panels ?? {}), EXTRA, { timeout: painted ? timeoutMs : 1, polling: 50 })
      .catch(() => {});
    const panels = await page.evaluate(() => window.__panels);
    // When the page sent its first stats request (navigation start = 0): what the paint spends before any query.
    const firstSent = await page.evaluate(() =>
      Math.min(
        ...performance
          .getEntriesByType('resource')
          .filter((e) => e.name.includes('/v1/stats/'))
          .map((e) => e.startTime),
      ),
    );
    const repeated = requests.filter((r, i) => r.body && requests.findIndex((o) => o.body === r.body) !== i);
    return { painted, panels, requests, firstSent, repeated: repeated.map((r) => r.what) };
  } finally {
    await context.close();
  }
}
