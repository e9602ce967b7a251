// Available energy over a time window, drawn as SVG at the container's width. The pool records a
// sample only while it is active, so a stretch without samples is drawn as a gap, not a slope.
import { TYPICAL_TRANSFER_ENERGY } from "./energy.js";
import { h, s } from "./dom.js";
import { fmt, t } from "./i18n.js";

const HEIGHT = 240;
const M = { top: 14, right: 14, bottom: 28, left: 54 };

export const WINDOWS = {
  "1h": { ms: 3_600_000, bucketMs: 30_000, tickMs: 15 * 60_000 },
  "24h": { ms: 86_400_000, bucketMs: 300_000, tickMs: 4 * 3_600_000 },
};

/** A round number at least `n`, so that the axis labels stay round. */
function niceCeil(n) {
  if (n <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((v) => v >= n);
}

function segments(points, maxGapMs) {
  const out = [];
  for (const p of points) {
    const last = out.at(-1);
    if (last && p.t - last.at(-1).t <= maxGapMs) last.push(p);
    else out.push([p]);
  }
  return out;
}

export function drawChart(host, samples, windowKey, now = Date.now()) {
  const win = WINDOWS[windowKey];
  const width = Math.max(280, host.clientWidth);
  const from = now - win.ms;
  const points = samples
    .map((p) => ({ ...p, t: Date.parse(p.at) }))
    .filter((p) => p.t >= from && p.t <= now + win.bucketMs)
    .sort((a, b) => a.t - b.t);

  if (points.length === 0) {
    host.replaceChildren(h("p", { class: "chart-empty" }, t("chart.empty")));
    return;
  }

  const top = niceCeil(Math.max(TYPICAL_TRANSFER_ENERGY, ...points.map((p) => Math.max(p.energy_limit, p.energy_available))) * 1.05);
  const x = (ms) => M.left + ((ms - from) / win.ms) * (width - M.left - M.right);
  const y = (v) => M.top + (1 - v / top) * (HEIGHT - M.top - M.bottom);
  const baseline = y(0);
  const runs = segments(points, win.bucketMs * 2.5);
  const line = (run, key) => run.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p[key]).toFixed(1)}`).join("");
  // A lone sample still shows: a run of one is widened to half a bucket each side.
  const widen = (run) => (run.length > 1 ? run : [{ ...run[0], t: run[0].t - win.bucketMs / 2 }, { ...run[0], t: run[0].t + win.bucketMs / 2 }]);

  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) =>
    s("g", { class: "chart-grid" },
      s("line", { x1: M.left, x2: width - M.right, y1: y(top * f), y2: y(top * f) }),
      s("text", { x: M.left - 8, y: y(top * f) + 4, "text-anchor": "end" }, fmt.compact(top * f)),
    ),
  );
  const ticks = [];
  for (let tick = Math.ceil(from / win.tickMs) * win.tickMs; tick <= now; tick += win.tickMs) {
    ticks.push(
      s("g", { class: "chart-axis" },
        s("line", { x1: x(tick), x2: x(tick), y1: baseline, y2: baseline + 5 }),
        s("text", { x: x(tick), y: HEIGHT - 8, "text-anchor": "middle" }, fmt.shortClock(tick)),
      ),
    );
  }
  const series = runs.map(widen).flatMap((run) => [
    s("path", { class: "chart-area", d: `${line(run, "energy_available")}L${x(run.at(-1).t).toFixed(1)},${baseline}L${x(run[0].t).toFixed(1)},${baseline}Z` }),
    s("path", { class: "chart-limit", d: line(run, "energy_limit") }),
    s("path", { class: "chart-line", d: line(run, "energy_available") }),
  ]);
  const reference = s("g", { class: "chart-reference" },
    s("line", { x1: M.left, x2: width - M.right, y1: y(TYPICAL_TRANSFER_ENERGY), y2: y(TYPICAL_TRANSFER_ENERGY) }),
    s("text", { x: width - M.right - 4, y: y(TYPICAL_TRANSFER_ENERGY) - 5, "text-anchor": "end" }, t("chart.one_withdrawal")),
  );

  const available = points.map((p) => p.energy_available);
  const label = t("chart.summary", {
    window: t(`chart.${windowKey}`),
    now: fmt.int(available.at(-1)),
    min: fmt.int(Math.min(...available)),
    max: fmt.int(Math.max(...available)),
  });
  const cursor = s("g", { class: "chart-cursor", visibility: "hidden" }, s("line", { y1: M.top, y2: baseline }), s("circle", { r: 4 }));
  const tip = h("div", { class: "chart-tip", hidden: true });
  const svg = s("svg", { class: "chart", width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: "img", "aria-label": label },
    ...grid, ...ticks, ...series, reference, cursor,
    s("rect", { class: "chart-hit", x: M.left, y: M.top, width: width - M.left - M.right, height: baseline - M.top }),
  );

  const hide = () => {
    cursor.setAttribute("visibility", "hidden");
    tip.hidden = true;
  };
  svg.addEventListener("pointerleave", hide);
  svg.addEventListener("pointermove", (event) => {
    const at = from + ((event.offsetX - M.left) / (width - M.left - M.right)) * win.ms;
    const p = points.reduce((best, q) => (Math.abs(q.t - at) < Math.abs(best.t - at) ? q : best));
    const [px, py] = [x(p.t), y(p.energy_available)];
    cursor.setAttribute("visibility", "visible");
    cursor.firstChild.setAttribute("x1", px);
    cursor.firstChild.setAttribute("x2", px);
    cursor.lastChild.setAttribute("cx", px);
    cursor.lastChild.setAttribute("cy", py);
    tip.replaceChildren(
      h("strong", {}, fmt.clock(p.t)),
      h("span", {}, `${t("chart.available")}: ${fmt.int(p.energy_available)}`),
      h("span", {}, `${t("chart.limit")}: ${fmt.int(p.energy_limit)}`),
      h("span", {}, `${t("pool.reserved")}: ${fmt.int(p.energy_reserved)}`),
      h("span", {}, `${t("pool.queued")}: ${fmt.int(p.queue_length)}`),
    );
    tip.hidden = false;
    tip.style.left = `${Math.min(px + 12, width - 170)}px`;
    tip.style.top = `${Math.max(0, py - 40)}px`;
  });
  host.replaceChildren(svg, tip);
}
