// The pool's usage as a half-ring: the arc is energy in use (used + reserved), the ticks mark where
// the warning and critical alerts start.
import { s } from "./dom.js";
import { fmt, t } from "./i18n.js";

const CX = 100;
const CY = 100;
const R = 80;

function polar(usagePercent, radius) {
  const angle = Math.PI * (1 - usagePercent / 100);
  return [CX + radius * Math.cos(angle), CY - radius * Math.sin(angle)];
}

const ARC = `M ${CX - R} ${CY} A ${R} ${R} 0 0 1 ${CX + R} ${CY}`;

/** Draws into `svg`; thresholds are percentages of energy available, as in the config. */
export function drawGauge(svg, status, { level, alertThreshold, criticalThreshold }) {
  const usage = Math.min(100, Math.max(0, status.usage_percentage));
  const ticks = [alertThreshold, criticalThreshold].map((available) => {
    const [x1, y1] = polar(100 - available, R - 11);
    const [x2, y2] = polar(100 - available, R + 11);
    return s("line", { class: "gauge-tick", x1, y1, x2, y2 });
  });
  svg.setAttribute("class", `gauge level-${level}`);
  svg.setAttribute(
    "aria-label",
    t("pool.gauge_label", { usage: fmt.pct(usage), available: fmt.int(status.energy_available), limit: fmt.int(status.energy_limit) }),
  );
  // A dash of length 0 would still draw its round cap: an idle pool shows the bare track.
  const value = usage > 0 ? [s("path", { class: "gauge-value", d: ARC, pathLength: 100, "stroke-dasharray": `${usage} 200` })] : [];
  svg.replaceChildren(
    s("path", { class: "gauge-track", d: ARC, pathLength: 100 }),
    ...value,
    ...ticks,
    s("text", { class: "gauge-figure", x: CX, y: CY - 14, "text-anchor": "middle" }, `${fmt.pct(usage)}%`),
    s("text", { class: "gauge-caption", x: CX, y: CY + 8, "text-anchor": "middle" }, t("pool.in_use")),
  );
}
