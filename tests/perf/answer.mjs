// A brush's release -> ready, split at its milestones (issue #14 budgets;
// branch answer9). Each brush (a real drag over Job runs, as filter.mjs
// --action brush) is traced; from the trace, relative to the release's
// `pointerup` (ms):
//   task     the release task's end
//   paint    the first frame committed after it (input -> painted)
//   req      the usage request sent (ResourceSendRequest, any thread: the
//            worker's fetch)
//   resp     its response's headers and its end (ResourceReceiveResponse,
//            ResourceFinish)
//   parse    the worker's longest task after the release (the answer's
//            `JSON.parse` into columns): start and end
//   answer   the main thread's task that ran `qs:metrics-parse` (the
//            answer's message): start and end
//   frame    a frame committed between the answer's task and ready, if any
//            (start of its BeginMainFrame... its Commit end)
//   ready    the app's `qs-ready` mark (input -> ready)
//   cpu      the main thread's CPU time from the input to ready
// then the medians, and the slowest quarter against the rest. The clears
// between brushes are not traced. Not a test.
//
// `--profile`: the sampling profiler runs too (its clock is the trace's),
// and the samples in the answer's task and in the frame after it are
// summed by function (byFunction's owner and inclusive times; a build whose
// wasm keeps its names names the Rust functions): what that task runs.
//
//   node tests/perf/answer.mjs [--jobs 25000] [--reps 12] [--profile] [--dists NAME=DIR,...]

import { dists, opt } from './args.mjs';
import { byFunction, withTrace } from './profile.mjs';
import { nextSettled, readyPages, renderSeq, runsDrag } from './ready.mjs';
import { scope } from './scope.mjs';

const JOBS = Number(opt('--jobs', '25000'));
const REPS = Number(opt('--reps', '12'));
const PROFILE = process.argv.includes('--profile');
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'];

/** `profile` with only the samples taken in [from, to] (trace µs); the others count as idle. */
function within(profile, from, to) {
  const idle = profile.nodes.find((n) => n.callFrame.functionName === '(idle)')?.id;
  let at = profile.startTime;
  const samples = profile.samples.map((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    return at >= from && at <= to ? id : idle;
  });
  return { ...profile, samples };
}

/** The milestones of one traced brush (ms from the release), or null. */
function split(events) {
  const thread = (name) => events.filter((e) => e.name === 'thread_name' && e.args?.name === name).map((e) => `${e.pid}:${e.tid}`);
  const [main] = thread('CrRendererMain');
  const workers = new Set(thread('DedicatedWorker thread'));
  const on = (k) => events.filter((e) => `${e.pid}:${e.tid}` === k);
  const mine = on(main);
  const input = mine.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'pointerup');
  if (!input) return null;
  const t0 = input.ts;
  const rel = (ts) => (ts === undefined ? undefined : (ts - t0) / 1000);
  const tasks = mine.filter((e) => e.name === 'RunTask' && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  const taskAt = (ts) => tasks.find((e) => e.ts <= ts && e.ts + e.dur >= ts);
  const ready = mine.filter((e) => e.name === 'qs-ready' && e.ts >= t0).sort((a, b) => a.ts - b.ts)[0];
  if (!ready) return null;
  const t1 = ready.ts;
  const release = taskAt(t0);
  const commits = mine.filter((e) => e.name === 'Commit' && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  const paint = commits.find((e) => release && e.ts >= release.ts + release.dur);
  const metrics = (e) => String(e.args?.data?.url ?? '').includes('/metrics?');
  const sent = events.find((e) => e.name === 'ResourceSendRequest' && e.ts >= t0 && e.ts <= t1 && metrics(e));
  const id = sent?.args?.data?.requestId;
  const resp = events.find((e) => e.name === 'ResourceReceiveResponse' && e.args?.data?.requestId === id);
  const fin = events.find((e) => e.name === 'ResourceFinish' && e.args?.data?.requestId === id);
  const parse = events
    .filter((e) => workers.has(`${e.pid}:${e.tid}`) && e.name === 'RunTask' && e.ph === 'X' && e.ts >= t0 && e.ts <= t1)
    .sort((a, b) => b.dur - a.dur)[0];
  const span = mine.find((e) => e.cat?.includes('blink.user_timing') && e.name === 'qs:metrics-parse' && e.ph === 'b' && e.ts >= t0 && e.ts <= t1);
  const answer = span && taskAt(span.ts);
  const frame = answer && commits.find((e) => e.ts >= answer.ts + answer.dur && e.ts <= t1);
  const frameStart = frame && mine.filter((e) => e.name === 'BeginMainFrame' && e.ph === 'X' && e.ts <= frame.ts).sort((a, b) => b.ts - a.ts)[0];
  // Builds of branch answer9 mark a `ready` decided at once (nothing on screen awaited a frame).
  const quiet = mine.some((e) => e.name === 'qs-ready-quiet' && e.ts <= t1 && e.ts >= t1 - 2000);
  const cpu = tasks.filter((e) => e.tdur !== undefined && e.ts + e.dur >= t0 && e.ts <= t1).reduce((n, e) => n + e.tdur, 0) / 1000;
  // What ran on the main thread between the release's frame and the answer's task.
  const waiting = answer && paint ? tasks.filter((e) => e.ts >= paint.ts + paint.dur && e.ts < answer.ts && e.dur >= 300).map((e) => `${rel(e.ts).toFixed(1)}+${(e.dur / 1000).toFixed(1)}`) : [];
  // What ran on the main thread between the answer's task and ready.
  const between = answer ? tasks.filter((e) => e.ts >= answer.ts + answer.dur && e.ts < t1 && e.dur >= 300).map((e) => `${rel(e.ts).toFixed(1)}+${(e.dur / 1000).toFixed(1)}`) : [];
  return {
    ms: rel(t1),
    task: release && rel(release.ts + release.dur),
    paint: paint && rel(paint.ts + paint.dur),
    req: sent && rel(sent.ts),
    head: resp && rel(resp.ts),
    end: fin && (fin.args?.data?.finishTime ? rel(fin.args.data.finishTime * 1e6) : rel(fin.ts)),
    parse0: parse && rel(parse.ts),
    parse1: parse && rel(parse.ts + parse.dur),
    windows: { answer: answer && [answer.ts, answer.ts + answer.dur], frame: frame && [frameStart?.ts ?? frame.ts, frame.ts + frame.dur] },
    ans0: answer && rel(answer.ts),
    ans1: answer && rel(answer.ts + answer.dur),
    frame0: frameStart && rel(frameStart.ts),
    frame1: frame && rel(frame.ts + frame.dur),
    cpu,
    quiet,
    waiting,
    between,
  };
}

const KEYS = ['ms', 'task', 'paint', 'req', 'head', 'end', 'parse0', 'parse1', 'ans0', 'ans1', 'frame0', 'frame1', 'cpu'];
const f = (x) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1));
const median = (xs) => {
  const v = xs.filter((x) => x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  return v.length ? v[(v.length - 1) >> 1] : undefined;
};
const line = (r) => KEYS.map((k) => `${k} ${f(r[k])}`).join(', ');

const t = scope('answer-probe');
try {
  for await (const { dist, page } of readyPages(t, JOBS, dists())) {
    const rows = [];
    const owned = { answer: new Map(), frame: new Map() };
    const incl = { answer: new Map(), frame: new Map() };
    const cdp = PROFILE ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    }
    for (let i = 0; i < REPS; i++) {
      const drag = await runsDrag(page, 0.4 + 0.02 * (i % 10), 0.4 + 0.02 * (i % 10) + 1 / 7);
      const old = await renderSeq(page);
      let profile = null;
      const events = await withTrace(page, CATEGORIES, async () => {
        if (cdp) await cdp.send('Profiler.start');
        await drag();
        await nextSettled(page, old);
        if (cdp) ({ profile } = await cdp.send('Profiler.stop'));
      });
      const r = split(events);
      if (r && profile) {
        for (const k of ['answer', 'frame']) {
          const w = r.windows[k];
          if (!w) continue;
          const f = byFunction(within(profile, w[0], w[1]));
          for (const [key, v] of f.owner) owned[k].set(key, (owned[k].get(key) ?? 0) + v / REPS);
          for (const [key, v] of f.incl) incl[k].set(key, (incl[k].get(key) ?? 0) + v / REPS);
        }
      }
      if (r) {
        rows.push(r);
        console.log(`${dist.name} #${i}: ${line(r)}${r.quiet ? ' (quiet)' : ''}; tasks before the answer: ${r.waiting.join(' ')}; after it: ${r.between.join(' ')}`);
      }
      const cleared = await renderSeq(page);
      await page.click('button[data-clear-brush]');
      await nextSettled(page, cleared);
    }
    const med = Object.fromEntries(KEYS.map((k) => [k, median(rows.map((r) => r[k]))]));
    console.log(`\n${dist.name} median (n ${rows.length}): ${line(med)}`);
    console.log(`${dist.name} frames between the answer and ready: ${rows.filter((r) => r.frame1 !== undefined).length} of ${rows.length}; ready decided at once: ${rows.filter((r) => r.quiet).length}`);
    const sorted = [...rows].sort((a, b) => a.ms - b.ms);
    const cut = Math.floor(sorted.length * 0.75);
    for (const [label, group] of [['fastest 3/4', sorted.slice(0, cut)], ['slowest 1/4', sorted.slice(cut)]]) {
      const m = Object.fromEntries(KEYS.map((k) => [k, median(group.map((r) => r[k]))]));
      console.log(`${dist.name} ${label} median: ${line(m)}`);
    }
    if (cdp) {
      const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
      for (const k of ['answer', 'frame']) {
        console.log(`\n${dist.name} the ${k}'s samples by the innermost app function, ms a brush:`);
        for (const [key, v] of top(owned[k], 30)) console.log(`  ${v.toFixed(2)}  ${key}`);
        console.log(`${dist.name} the ${k}'s samples, inclusive, the app's functions:`);
        for (const [key, v] of top(incl[k], 100000).filter(([key, v]) => v >= 0.1 && /^queuescope/.test(key)).slice(0, 40)) console.log(`  ${v.toFixed(2)}  ${key}`);
      }
      await cdp.detach();
    }
  }
} finally {
  await t.close();
}
