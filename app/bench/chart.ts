/**
 * The benchmark chart: `docs/benchmarks/results.json` → `docs/benchmarks/chart.svg`
 * (`npm run bench:chart`). Left, p95 search latency against corpus size per mode and engine
 * (log–log); right, recall@10 against hnsw.ef_search per engine and corpus size. Deterministic: the
 * same JSON always gives the same SVG (a test regenerates and compares it).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BenchResults, type BenchRun } from "./results.js";

export const RESULTS_FILE = path.resolve(import.meta.dirname, "../../docs/benchmarks/results.json");
export const CHART_FILE = path.resolve(import.meta.dirname, "../../docs/benchmarks/chart.svg");

const PANEL = { width: 420, height: 300, left: 60, top: 40, right: 20, bottom: 50 };
const MODES = [
  { key: "semantic", label: "semantic", colour: "#1f77b4" },
  { key: "hybrid", label: "hybrid (bounded pool)", colour: "#2ca02c" },
  { key: "hybridExhaustive", label: "hybrid, every match ranked (before)", colour: "#d62728" },
] as const;
const ENGINE_DASH: Record<BenchRun["engine"], string> = { pglite: "", postgres: "6 4" };
const SIZE_COLOURS = ["#9467bd", "#ff7f0e", "#8c564b", "#17becf"];

const f = (x: number) => (Math.round(x * 10) / 10).toFixed(1);
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

interface Axis {
  min: number;
  max: number;
  log: boolean;
}

function scale(axis: Axis, from: number, to: number) {
  const t = (v: number) => (axis.log ? Math.log10(v) : v);
  return (v: number) => from + ((t(v) - t(axis.min)) / (t(axis.max) - t(axis.min) || 1)) * (to - from);
}

/** Round numbers covering [min, max]: powers of ten (and 2×, 5×) on a log axis, tenths else. */
function ticks(axis: Axis): number[] {
  if (!axis.log) {
    const out: number[] = [];
    const step = (axis.max - axis.min) / 4;
    for (let i = 0; i <= 4; i++) out.push(axis.min + i * step);
    return out;
  }
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(axis.min)); e <= Math.ceil(Math.log10(axis.max)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= axis.min * 0.999 && v <= axis.max * 1.001) out.push(v);
    }
  }
  return out;
}

const label = (v: number) =>
  v >= 1000 ? `${v / 1000}k` : Number.isInteger(v) ? String(v) : v.toFixed(v < 1 ? 2 : 1);

interface Series {
  name: string;
  colour: string;
  dash: string;
  points: [number, number][];
}

function panel(
  offsetX: number,
  title: string,
  xName: string,
  yName: string,
  x: Axis,
  y: Axis,
  series: Series[],
) {
  const x0 = offsetX + PANEL.left;
  const x1 = offsetX + PANEL.width - PANEL.right;
  const y0 = PANEL.height - PANEL.bottom;
  const y1 = PANEL.top;
  const sx = scale(x, x0, x1);
  const sy = scale(y, y0, y1);
  const out: string[] = [];
  out.push(
    `<text x="${f((x0 + x1) / 2)}" y="24" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
  );
  out.push(
    `<rect x="${f(x0)}" y="${f(y1)}" width="${f(x1 - x0)}" height="${f(y0 - y1)}" fill="none" stroke="#999"/>`,
  );
  for (const t of ticks(x)) {
    out.push(`<line x1="${f(sx(t))}" y1="${f(y0)}" x2="${f(sx(t))}" y2="${f(y0 + 4)}" stroke="#999"/>`);
    out.push(`<text x="${f(sx(t))}" y="${f(y0 + 16)}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of ticks(y)) {
    out.push(`<line x1="${f(x0)}" y1="${f(sy(t))}" x2="${f(x1)}" y2="${f(sy(t))}" stroke="#eee"/>`);
    out.push(`<text x="${f(x0 - 6)}" y="${f(sy(t) + 4)}" text-anchor="end">${label(t)}</text>`);
  }
  out.push(`<text x="${f((x0 + x1) / 2)}" y="${f(y0 + 34)}" text-anchor="middle">${esc(xName)}</text>`);
  out.push(
    `<text transform="translate(${f(offsetX + 16)} ${f((y0 + y1) / 2)}) rotate(-90)" text-anchor="middle">${esc(yName)}</text>`,
  );
  for (const s of series) {
    const pts = s.points.map(([px, py]) => `${f(sx(px))},${f(sy(py))}`).join(" ");
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    out.push(
      `<polyline class="series" data-name="${esc(s.name)}" points="${pts}" fill="none" stroke="${s.colour}" stroke-width="2"${dash}/>`,
    );
    for (const [px, py] of s.points) {
      out.push(`<circle cx="${f(sx(px))}" cy="${f(sy(py))}" r="3" fill="${s.colour}"/>`);
    }
  }
  return { svg: out.join("\n"), sy, x0, x1 };
}

function legend(x: number, y: number, series: Series[]): string {
  return series
    .map((s, i) => {
      const ly = y + i * 16;
      const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
      return `<line x1="${x}" y1="${ly}" x2="${x + 24}" y2="${ly}" stroke="${s.colour}" stroke-width="2"${dash}/><text x="${x + 30}" y="${ly + 4}">${esc(s.name)}</text>`;
    })
    .join("\n");
}

function bounds(values: number[], log: boolean, pad = 1.25): Axis {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return log ? { min: min / pad, max: max * pad, log } : { min, max, log };
}

export function renderChart(results: BenchResults): string {
  const latency: Series[] = results.runs.flatMap((run) =>
    MODES.map((mode) => ({
      name: `${mode.label}, ${run.engine}`,
      colour: mode.colour,
      dash: ENGINE_DASH[run.engine],
      points: run.sizes.map((s) => [s.chunks, s.latency[mode.key].p95] as [number, number]),
    })),
  );
  const recall: Series[] = results.runs.flatMap((run) =>
    run.sizes.map((s, i) => ({
      name: `${run.engine}, ${s.chunks / 1000}k chunks`,
      colour: SIZE_COLOURS[i % SIZE_COLOURS.length]!,
      dash: ENGINE_DASH[run.engine],
      points: [...s.recall]
        .sort((a, b) => a.efSearch - b.efSearch)
        .map((r) => [r.efSearch, r.strict] as [number, number]),
    })),
  );
  const allLatency = latency.flatMap((s) => s.points);
  const allRecall = recall.flatMap((s) => s.points);
  if (allLatency.length === 0 || allRecall.length === 0)
    throw new Error("results.json holds no figures to chart");
  const left = panel(
    0,
    "Search latency (p95)",
    "chunks",
    "ms (log)",
    bounds(
      allLatency.map(([x]) => x),
      true,
      1.3,
    ),
    bounds(
      allLatency.map(([, y]) => y),
      true,
    ),
    latency,
  );
  const recallMin = Math.min(0.9, Math.floor(Math.min(...allRecall.map(([, y]) => y)) * 20) / 20);
  const right = panel(
    PANEL.width,
    "Recall@10 vs hnsw.ef_search",
    "ef_search (log)",
    "recall@10",
    bounds(
      allRecall.map(([x]) => x),
      true,
      1.3,
    ),
    { min: recallMin, max: 1, log: false },
    recall,
  );
  const goal = right.sy(0.95);
  const width = PANEL.width * 2;
  const legendTop = PANEL.height + 10;
  const height = legendTop + Math.max(latency.length, recall.length) * 16 + 10;
  const dates = results.runs.map((r) => `${r.engine} ${r.date.slice(0, 10)}`).join(", ");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
${left.svg}
${right.svg}
<line x1="${f(right.x0)}" y1="${f(goal)}" x2="${f(right.x1)}" y2="${f(goal)}" stroke="#000" stroke-dasharray="2 3"/>
<text x="${f(right.x1 - 4)}" y="${f(goal - 4)}" text-anchor="end">goal 0.95</text>
${legend(PANEL.left, legendTop, latency)}
${legend(PANEL.width + PANEL.left, legendTop, recall)}
<text x="${width - 10}" y="${height - 6}" text-anchor="end" fill="#666">solid: PGlite, dashed: PostgreSQL (runs: ${esc(dates)})</text>
</svg>
`;
}

export function readResults(file = RESULTS_FILE): BenchResults {
  return BenchResults.parse(JSON.parse(readFileSync(file, "utf8")));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(CHART_FILE, renderChart(readResults()));
  console.log(`wrote ${path.relative(process.cwd(), CHART_FILE)}`);
}
