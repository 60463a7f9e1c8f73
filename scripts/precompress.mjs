// Writes a brotli (`FILE.br`, quality 11) and a gzip (`FILE.gz`, level 9)
// copy next to every compressible file of a built dist/ (the Trunk
// post_build hook runs it on trunk's staging folder for release builds):
//
//   node scripts/precompress.mjs DIR
//
// A static host that serves such copies (nginx `gzip_static on;` and
// `brotli_static on;`, a CDN origin, Caddy's `precompressed br gzip`) then
// sends the wasm and plotly.js at the strongest compression, which hosts
// compressing on the fly do not spend their time on: the wasm is ~475 kB
// in brotli 11 against ~616 kB in gzip -9 (docs/benchmarks.md,
// "Precompressed assets"). A copy is written only when it is smaller than
// the file. config.json is the deployer's file and is left alone, as are
// files under 1 kB. Node's own zlib: no dependency.
import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** What is worth compressing: text and wasm. */
const COMPRESSIBLE = new Set(['.wasm', '.js', '.mjs', '.css', '.html', '.svg', '.json', '.map', '.txt']);
const MIN_BYTES = 1024;
const brotli = promisify(zlib.brotliCompress);
const zlibGzip = promisify(zlib.gzip);

/**
 * GNU gzip -9 where there is one (~1 % smaller than zlib's level 9 on the
 * wasm: 616 against 622 kB), else zlib.
 */
function gzip(body) {
  return new Promise((resolve) => {
    const child = execFile('gzip', ['-9', '-n', '-c'], { encoding: 'buffer', maxBuffer: 1 << 30 }, (err, out) =>
      resolve(err ? zlibGzip(body, { level: zlib.constants.Z_BEST_COMPRESSION }) : out),
    );
    child.stdin.on('error', () => {});
    child.stdin.end(body);
  });
}

/** Every file under `dir` (relative paths), depth first. */
async function files(dir, rel = '') {
  const out = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const p = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await files(dir, p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The brotli and gzip copies of `body` (the encodings a browser accepts). */
async function compressed(body) {
  const [br, gz] = await Promise.all([
    brotli(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        [zlib.constants.BROTLI_PARAM_LGWIN]: zlib.constants.BROTLI_MAX_WINDOW_BITS,
      },
    }),
    gzip(body),
  ]);
  return { br, gz };
}

async function main(dir) {
  if (!dir) throw new Error('usage: node scripts/precompress.mjs DIR');
  const todo = (await files(dir)).filter(
    (f) => COMPRESSIBLE.has(path.extname(f)) && path.basename(f) !== 'config.json',
  );
  // The files at once: zlib's async calls run on libuv's thread pool.
  const lines = await Promise.all(
    todo.map(async (f) => {
      const file = path.join(dir, f);
      if ((await stat(file)).size < MIN_BYTES) return null;
      const body = await readFile(file);
      const { br, gz } = await compressed(body);
      const kept = [];
      for (const [ext, out] of [['br', br], ['gz', gz]]) {
        if (out.length < body.length) {
          await writeFile(`${file}.${ext}`, out);
          kept.push(`${ext} ${out.length}`);
        }
      }
      return `${f}: ${body.length} B; ${kept.join(', ') || 'not smaller, no copy'}`;
    }),
  );
  for (const l of lines) if (l) console.log(`precompress ${l}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv[2]).catch((e) => {
    console.error(`precompress: ${e.message}`);
    process.exit(1);
  });
}
