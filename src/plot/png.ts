/**
 * Pictures: the spin lattice as a PNG, and x–y plots with error bars and exact curves (pureimage for drawing,
 * the DejaVu font from npm for text — nothing native). Files are written to a temporary name, then renamed.
 */
import { createWriteStream, renameSync } from 'node:fs';
import { writeFileAtomic } from '../util/files.ts';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as PImage from 'pureimage';
import { PNG } from 'pngjs';

const require = createRequire(import.meta.url);
const FONT_FAMILY = 'DejaVuSans';
let fontLoaded: Promise<void> | undefined;

function loadFont(): Promise<void> {
  fontLoaded ??= (async () => {
    const ttf = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf');
    const font = PImage.registerFont(ttf, FONT_FAMILY);
    await font.load();
  })();
  return fontLoaded;
}

/** The lattice as a PNG: +1 light, −1 dark, `scale` pixels per spin. */
export function writeLatticePng(
  file: string,
  spins: Int8Array,
  size: number,
  scale = Math.max(1, Math.floor(512 / size)),
): void {
  const png = new PNG({ width: size * scale, height: size * scale });
  for (let y = 0; y < size * scale; y++) {
    for (let x = 0; x < size * scale; x++) {
      const up = spins[Math.floor(y / scale) * size + Math.floor(x / scale)] === 1;
      const o = (y * size * scale + x) * 4;
      png.data[o] = up ? 0xf2 : 0x1f;
      png.data[o + 1] = up ? 0xe6 : 0x3a;
      png.data[o + 2] = up ? 0xc8 : 0x6e;
      png.data[o + 3] = 0xff;
    }
  }
  writeFileAtomic(file, PNG.sync.write(png));
}

export interface Series {
  label: string;
  color: string;
  /** Points with error bars… */
  points?: { x: number; y: number; error: number }[];
  /** …or a curve. */
  curve?: { x: number; y: number }[];
}

export interface Panel {
  title: string;
  xLabel: string;
  series: Series[];
}

/** Side-by-side panels, each with its own axes, ticks, title and legend. */
export async function writePlotPng(
  file: string,
  panels: Panel[],
  width = 560 * panels.length,
  height = 460,
): Promise<void> {
  await loadFont();
  const image = PImage.make(width, height);
  const ctx = image.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const panelWidth = width / panels.length;
  for (const [index, panel] of panels.entries()) drawPanel(ctx, panel, index * panelWidth, panelWidth, height);
  const temp = `${file}.tmp-${process.pid}`;
  await PImage.encodePNGToStream(image, createWriteStream(temp));
  renameSync(temp, file);
}

type Context = ReturnType<ReturnType<typeof PImage.make>['getContext']>;

function niceTicks(min: number, max: number, count = 5): number[] {
  const span = max - min || 1;
  const raw = span / count;
  const step = [1, 2, 2.5, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(raw))).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + 1e-9; t += step) ticks.push(Number(t.toPrecision(10)));
  return ticks;
}

function drawPanel(ctx: Context, panel: Panel, left: number, width: number, height: number): void {
  const margin = { left: 70, right: 20, top: 40, bottom: 55 };
  const x0 = left + margin.left;
  const x1 = left + width - margin.right;
  const y0 = height - margin.bottom;
  const y1 = margin.top;
  const xs = panel.series.flatMap((s) => [...(s.points ?? []).map((p) => p.x), ...(s.curve ?? []).map((p) => p.x)]);
  const ys = panel.series.flatMap((s) => [
    ...(s.points ?? []).flatMap((p) => [p.y - p.error, p.y + p.error]),
    ...(s.curve ?? []).map((p) => p.y),
  ]);
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const pad = (Math.max(...ys) - Math.min(...ys)) * 0.05 || 0.05;
  const [yMin, yMax] = [Math.min(...ys) - pad, Math.max(...ys) + pad];
  const px = (x: number) => x0 + ((x - xMin) / (xMax - xMin || 1)) * (x1 - x0);
  const py = (y: number) => y0 - ((y - yMin) / (yMax - yMin || 1)) * (y0 - y1);

  ctx.strokeStyle = '#333333';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x0, y1);
  ctx.lineTo(x0, y0);
  ctx.lineTo(x1, y0);
  ctx.stroke();
  ctx.fillStyle = '#333333';
  ctx.font = `13pt ${FONT_FAMILY}`;
  for (const t of niceTicks(xMin, xMax)) {
    ctx.beginPath();
    ctx.moveTo(px(t), y0);
    ctx.lineTo(px(t), y0 + 5);
    ctx.stroke();
    ctx.fillText(String(t), px(t) - 12, y0 + 22);
  }
  for (const t of niceTicks(yMin, yMax)) {
    ctx.beginPath();
    ctx.moveTo(x0 - 5, py(t));
    ctx.lineTo(x0, py(t));
    ctx.stroke();
    ctx.fillText(String(t), left + 8, py(t) + 5);
  }
  ctx.font = `15pt ${FONT_FAMILY}`;
  ctx.fillText(panel.title, x0, y1 - 14);
  ctx.fillText(panel.xLabel, (x0 + x1) / 2, y0 + 45);

  panel.series.forEach((series, i) => {
    ctx.strokeStyle = series.color;
    ctx.fillStyle = series.color;
    ctx.lineWidth = 2;
    if (series.curve && series.curve.length > 1) {
      ctx.beginPath();
      for (const [k, p] of series.curve.entries()) {
        if (k === 0) ctx.moveTo(px(p.x), py(p.y));
        else ctx.lineTo(px(p.x), py(p.y));
      }
      ctx.stroke();
    }
    for (const p of series.points ?? []) {
      ctx.beginPath();
      ctx.moveTo(px(p.x), py(p.y - p.error));
      ctx.lineTo(px(p.x), py(p.y + p.error));
      ctx.stroke();
      ctx.fillRect(px(p.x) - 3, py(p.y) - 3, 7, 7);
    }
    // legend
    ctx.font = `12pt ${FONT_FAMILY}`;
    ctx.fillRect(x1 - 170, y1 + 8 + 20 * i, 14, 4);
    ctx.fillStyle = '#333333';
    ctx.fillText(series.label, x1 - 150, y1 + 15 + 20 * i);
  });
}

/** Images (8-bit grey, side × side) in a grid with a caption above each: `captions[i]` for image i. */
export async function writeImageGridPng(
  file: string,
  images: Uint8Array[],
  side: number,
  captions: string[],
  columns: number,
  scale = 3,
): Promise<void> {
  await loadFont();
  const cell = side * scale;
  const caption = 18;
  const pad = 6;
  const rows = Math.ceil(images.length / columns);
  const width = columns * (cell + pad) + pad;
  const height = rows * (cell + caption + pad) + pad;
  const image = PImage.make(width, height);
  const ctx = image.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.font = `13px ${FONT_FAMILY}`;
  images.forEach((pixels, index) => {
    const left = pad + (index % columns) * (cell + pad);
    const top = pad + Math.floor(index / columns) * (cell + caption + pad);
    ctx.fillStyle = '#333333';
    ctx.fillText(captions[index] ?? '', left + 2, top + 13);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = pixels[y * side + x]!;
        const hex = v.toString(16).padStart(2, '0');
        ctx.fillStyle = `#${hex}${hex}${hex}`;
        ctx.fillRect(left + x * scale, top + caption + y * scale, scale, scale);
      }
    }
  });
  const temp = `${file}.tmp-${process.pid}`;
  await PImage.encodePNGToStream(image, createWriteStream(temp));
  renameSync(temp, file);
}
