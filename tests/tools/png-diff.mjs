// Two screenshots compared pixel by pixel, for a look by eye (not a test):
//
//   node tests/tools/png-diff.mjs A.png B.png OUT [X Y W H ZOOM]
//
// Prints how many pixels differ by more than 8 in a channel and the largest
// difference; writes OUT-diff.png (red where they differ) and, with a crop
// X Y W H, OUT-zoom.png (the crop of A above the crop of B, ZOOM times
// larger, unsmoothed). Runs in the Debian Chromium (no image library).
import { chromium } from 'playwright-core';
import { readFile, writeFile } from 'node:fs/promises';
const [a, b, out, x = '0', y = '0', w = '0', h = '0', zoom = '4'] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();
const url = async (f) => 'data:image/png;base64,' + (await readFile(f)).toString('base64');
const r = await page.evaluate(async ([ua, ub, x, y, w, h, zoom]) => {
  const load = (u) => new Promise((res) => { const i = new Image(); i.onload = () => res(i); i.src = u; });
  const [ia, ib] = await Promise.all([load(ua), load(ub)]);
  const W = Math.max(ia.width, ib.width), H = Math.max(ia.height, ib.height);
  const data = (img) => { const c = new OffscreenCanvas(W, H); const g = c.getContext('2d'); g.drawImage(img, 0, 0); return g.getImageData(0, 0, W, H).data; };
  const da = data(ia), db = data(ib);
  const dc = new OffscreenCanvas(W, H); const dg = dc.getContext('2d'); const dimg = dg.createImageData(W, H);
  let n = 0, max = 0;
  for (let i = 0; i < da.length; i += 4) {
    const d = Math.max(Math.abs(da[i] - db[i]), Math.abs(da[i + 1] - db[i + 1]), Math.abs(da[i + 2] - db[i + 2]));
    if (d > 8) n++;
    max = Math.max(max, d);
    dimg.data[i] = d > 8 ? 255 : d * 10; dimg.data[i + 1] = 0; dimg.data[i + 2] = 0; dimg.data[i + 3] = 255;
  }
  dg.putImageData(dimg, 0, 0);
  const blob = async (c) => { const b = await c.convertToBlob(); const buf = new Uint8Array(await b.arrayBuffer()); let s = ''; for (const v of buf) s += String.fromCharCode(v); return btoa(s); };
  let zoomed = null;
  if (w > 0) {
    const zc = new OffscreenCanvas(w * zoom, h * zoom * 2 + 4); const zg = zc.getContext('2d'); zg.imageSmoothingEnabled = false;
    zg.fillStyle = '#f0f'; zg.fillRect(0, 0, zc.width, zc.height);
    zg.drawImage(ia, x, y, w, h, 0, 0, w * zoom, h * zoom);
    zg.drawImage(ib, x, y, w, h, 0, h * zoom + 4, w * zoom, h * zoom);
    zoomed = await blob(zc);
  }
  return { W, H, n, max, diff: await blob(dc), zoomed };
}, [await url(a), await url(b), +x, +y, +w, +h, +zoom]);
await writeFile(`${out}-diff.png`, Buffer.from(r.diff, 'base64'));
if (r.zoomed) await writeFile(`${out}-zoom.png`, Buffer.from(r.zoomed, 'base64'));
console.log(`${a} vs ${b}: ${r.W}x${r.H}, ${r.n} pixels differ by > 8, max ${r.max}`);
await browser.close();
