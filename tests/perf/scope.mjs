// A stand-in for node:test's `t` in the perf scripts: the e2e harness
// registers its cleanups (browsers, backends) with `t.after`, and `close`
// runs them in reverse order, reporting a cleanup that fails.

/** A scope named `name`; call `close()` when done with it. */
export function scope(name) {
  const cleanups = [];
  return {
    name,
    after: (fn) => cleanups.push(fn),
    close: async () => {
      for (const fn of cleanups.reverse()) await fn().catch((e) => console.error(String(e)));
    },
  };
}
