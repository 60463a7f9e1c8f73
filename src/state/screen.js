// Whether the page wrote anything on screen since the last frame began
// (issue #14, the brush's budget; branch answer9). `Readiness` decides
// `data-app-state` after a change's effects: when this says nothing on
// screen awaits a frame, at once; else in a zero timeout, which on most
// changes falls after the frame that paints them (docs/design.md, "Lead's
// review, thirteenth session": ready is not decided before the pixels it
// announces).
//
// A brush's usage answer writes only the usage panels (1,400 px below the
// fold: their overlays, chart summaries, `data-drawn`) and the insights
// (above Job runs): its `ready` waited for a frame of 4-17 ms that drew
// nothing a user could see.
//
// How: a MutationObserver over the whole document notes each write; a write
// inside a `[data-panel]` that an IntersectionObserver reports out of view
// (with the 150 px margin of hooks::in_view) is not "on screen"; every other
// write is (a panel not answered for yet, the header, the filters, the
// legends, notices), except `<html>`'s own attributes (the app's hooks:
// `data-app-state`, `data-render-seq`, flags). A canvas painted in view says
// so itself (`qs_screen_drawn`: no DOM write). The first animation frame
// callback after an on-screen write clears it: what was written before
// the frame began is drawn by that frame; until then the DOM is not
// watched at all (no records made for a release's ~1,000 writes). Hidden pages draw no frames, so
// there a write stays "on screen" and `ready` waits for the timeout as
// before. Without either observer nothing is ever quiet. A panel taken
// out of the page (a language switch or a queue change remounts panels) is
// no longer observed from the next frame on: the observer would otherwise
// keep every detached panel's subtree for the page's lifetime.

/** The watch: null before the first call, false when it cannot run. */
let watch = null;

function start() {
  const html = document.documentElement;
  if (typeof MutationObserver === 'undefined' || typeof IntersectionObserver === 'undefined') return false;
  /** Panel element -> whether it is within the margin of the viewport. */
  const shown = new WeakMap();
  const io = new IntersectionObserver(
    (entries) => {
      for (const e of entries) shown.set(e.target, e.isIntersecting);
    },
    { rootMargin: '150px 0px' },
  );
  /** The panels observed, to let go of those taken out of the page. */
  const observed = new Set();
  const w = { dirty: false, io, shown, observed, mo: null, note: null, watch: null };
  w.observe = (panel) => {
    observed.add(panel);
    io.observe(panel);
  };
  w.note = (records) => {
    if (w.dirty) return;
    for (const r of records) {
      const t = r.target;
      if (t === html) continue;
      const el = t.nodeType === 1 ? t : t.parentElement;
      const panel = el ? el.closest('[data-panel]') : null;
      if (panel !== null && shown.get(panel) === false) continue;
      if (panel !== null && !observed.has(panel)) w.observe(panel);
      dirty(w);
      return;
    }
  };
  w.mo = new MutationObserver(w.note);
  w.watch = () => w.mo.observe(html, { subtree: true, childList: true, attributes: true, characterData: true });
  // Every panel there now is watched from the start.
  for (const p of document.querySelectorAll('[data-panel]')) w.observe(p);
  dirty(w);
  return w;
}

/**
 * An on-screen write: "on screen" until the next frame begins. The DOM is
 * not watched meanwhile (nothing a write could change): a brush's release
 * writes ~1,000 nodes, whose records would cost the task for nothing.
 */
function dirty(w) {
  if (w.dirty) return;
  w.dirty = true;
  w.mo.disconnect();
  requestAnimationFrame(() => {
    // Written before this frame's rendering: drawn by it.
    w.dirty = false;
    for (const p of w.observed) {
      if (!p.isConnected) {
        w.observed.delete(p);
        w.shown.delete(p);
        w.io.unobserve(p);
      }
    }
    w.watch();
  });
}

/**
 * True when nothing was written on screen since the last frame began (the
 * writes of the task so far included). Starts the watch at the first call
 * (then false: nothing is known yet).
 */
export function qs_screen_quiet() {
  if (watch === null) {
    watch = start();
    return false;
  }
  if (watch === false) return false;
  if (!watch.dirty) watch.note(watch.mo.takeRecords());
  return !watch.dirty;
}

/** A canvas painted on screen (marks drawn in view: no DOM write). */
export function qs_screen_drawn() {
  if (watch) dirty(watch);
}

/** How many panels the watch observes (a test's reading). */
export function qs_screen_watched() {
  return watch ? watch.observed.size : 0;
}
