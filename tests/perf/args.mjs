// The command line of the perf scripts (browser.mjs, trace.mjs, live.mjs).
import { DIST } from '../e2e/harness.mjs';

/** The words after the script's name. */
export const args = process.argv.slice(2);

/** The value after `name` (e.g. `--jobs 25000`), or `dflt`. */
export function opt(name, dflt) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
}

/** `--dists before=DIR,after=DIR` as `{name, dir}`s; the repository's dist/ as "after" by default. */
export function dists() {
  return (opt('--dists', null) ?? `after=${DIST}`).split(',').map((d) => {
    const [name, ...dir] = d.split('=');
    return { name, dir: dir.join('=') };
  });
}
