// Trunk pre_build hook (Trunk.toml [[hooks]]): writes the plotly.js that
// index.html loads, target/plotly/plotly-basic.min.js, from the npm
// package's file with one change: the UMD wrapper's factory, an arrow
// function passed as an argument, is put in parentheses. V8 then compiles
// it eagerly, on a background thread while the file streams in, instead of
// lazily on the main thread when the wrapper calls it (a first visit:
// plotly.js's run on the main thread ~30 % shorter; docs/design.md, branch
// firstvisit). Its inner functions stay lazy. Nothing else changes; trunk
// hashes the result and writes its integrity as for any asset.
//
// The file is rewritten only when its content changes (trunk serve watches
// the tree). A plotly.js whose wrapper looks different stops the build:
// look at the new wrapper and adjust HEAD and TAIL.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = path.join(REPO, 'node_modules', 'plotly.js-basic-dist-min', 'plotly-basic.min.js');
const TARGET = path.join(REPO, 'target', 'plotly', 'plotly-basic.min.js');

// The wrapper of plotly.js 4's dist bundles: `(function(root, factory) {...}
// (typeof self ..., () => { BODY }));`.
const HEAD = '} (typeof self !== "undefined" ? self : this, () => {\n';
const TAIL = 'return Plotly;\n}));';

const text = await readFile(SOURCE, 'utf8');
const body = text.trimEnd();
if (text.split(HEAD).length !== 2 || !body.endsWith(TAIL)) {
  console.error(`scripts/plotly-eager.mjs: ${SOURCE} does not have the wrapper this hook knows; see its header`);
  process.exit(1);
}
const out = body.replace(HEAD, HEAD.replace('() => {', '(() => {')).slice(0, -TAIL.length) + 'return Plotly;\n})));\n';
const old = await readFile(TARGET, 'utf8').catch(() => null);
if (old !== out) {
  await mkdir(path.dirname(TARGET), { recursive: true });
  await writeFile(TARGET, out);
}
