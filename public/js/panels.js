// The list panels: queue, recent withdrawals, alerts, and the purchase-order / provider tables.
import { fillRows, h, shortId } from "./dom.js";
import { fmt, t } from "./i18n.js";

const badge = (kind, text, title) => h("span", { class: `badge badge-${kind}`, title }, text);

export function renderQueue(tbody, entries, now = Date.now()) {
  fillRows(
    tbody,
    entries.map((e) =>
      h("tr", { "data-withdrawal": e.withdrawal_id },
        h("td", { class: "num" }, e.position),
        h("td", {}, shortId(e.withdrawal_id)),
        h("td", {}, badge(`priority-${e.priority}`, t(`priority.${e.priority}`))),
        h("td", { class: "num" }, fmt.int(e.energy)),
        h("td", { class: "num" }, fmt.duration(e.waited_minutes)),
        h("td", {}, e.estimated_start === null
          ? badge("failed", t("queue.cannot_fit"))
          : h("time", { datetime: e.estimated_start, title: fmt.dateTime(e.estimated_start) }, fmt.until(e.estimated_start, now))),
      ),
    ),
    t("queue.empty"),
  );
}

export function renderWithdrawals(tbody, withdrawals, now = Date.now()) {
  fillRows(
    tbody,
    withdrawals.map((w) =>
      h("tr", { "data-withdrawal": w.id },
        h("td", {}, h("time", { datetime: w.created_at, title: fmt.dateTime(w.created_at) }, fmt.ago(w.created_at, now))),
        h("td", {}, w.user_id),
        h("td", { class: "num" }, `${fmt.amount(w.amount)} ${w.asset}`),
        h("td", {}, badge(w.status, t(`status.${w.status}`), w.failure_reason ?? undefined)),
        h("td", {},
          t(`method.${w.method ?? "none"}`),
          w.method === "queue_wait" && w.priority > 0 ? [" ", badge(`priority-${w.priority}`, t(`priority.${w.priority}`))] : null,
        ),
        h("td", { class: "num" }, w.fee_trx === "0" ? "—" : `${fmt.amount(w.fee_trx)} TRX`),
        h("td", { class: "num" }, w.energy_required === null ? "—" : fmt.int(w.energy_required)),
        h("td", {}, w.tx_id ? shortId(w.tx_id) : "—"),
      ),
    ),
    t("withdrawals.empty"),
  );
}

function deliverySummary(deliveries) {
  const byChannel = new Map();
  for (const d of deliveries) {
    const c = byChannel.get(d.channel) ?? { delivered: 0, total: 0 };
    c.total += 1;
    if (d.status === "delivered") c.delivered += 1;
    byChannel.set(d.channel, c);
  }
  return [...byChannel].map(([channel, c]) => `${t(`delivery.${channel}`)} ${c.delivered}/${c.total}`).join(" · ");
}

export function renderAlerts(list, alerts, now = Date.now()) {
  list.replaceChildren(
    ...(alerts.length
      ? alerts.map((a) =>
          h("li", { class: `alert-item level-${a.level}`, title: a.message },
            h("div", { class: "alert-head" },
              badge(a.level, t(`alert.${a.level}`)),
              h("time", { datetime: a.created_at, title: fmt.dateTime(a.created_at) }, fmt.ago(a.created_at, now)),
            ),
            h("p", {}, t("alerts.usage", { usage: fmt.pct(a.usage_percentage), available: fmt.int(a.energy_available), limit: fmt.int(a.energy_limit) })),
            a.deliveries?.length ? h("p", { class: "muted small" }, t("alerts.deliveries", { summary: deliverySummary(a.deliveries) })) : null,
          ),
        )
      : [h("li", { class: "empty" }, t("alerts.empty"))]),
  );
}

const PURCHASE_ORDER_COLUMNS = ["created", "provider", "status", "energy", "cost", "charged", "withdrawal", "error"];
const PROVIDER_COLUMNS = ["provider", "configured", "orders", "delivered", "failed", "success", "delivery", "price", "reliability"];
const NUMERIC = new Set(["energy", "cost", "charged", "orders", "delivered", "failed", "success", "delivery", "price", "reliability"]);

const orNone = (value, show) => (value === null || value === undefined ? "—" : show(value));

function purchaseOrderRow(o) {
  return h("tr", {},
    h("td", {}, orNone(o.created_at, (at) => h("time", { datetime: at, title: fmt.dateTime(at) }, fmt.ago(at)))),
    h("td", {}, o.provider ?? "—"),
    h("td", {}, badge(`po-${o.status}`, t(`po.status.${o.status}`))),
    h("td", { class: "num" }, orNone(o.energy, fmt.int)),
    // The price paid once known, the quote until then.
    h("td", { class: "num" }, o.cost_sun != null ? fmt.trxOfSun(o.cost_sun) : orNone(o.quoted_cost_sun, (q) => `≈ ${fmt.trxOfSun(q)}`)),
    h("td", { class: "num" }, orNone(o.charged_sun, fmt.trxOfSun)),
    h("td", {}, orNone(o.withdrawal_id, shortId)),
    h("td", { class: "wrap" }, o.error ?? ""),
  );
}

function providerRow(p) {
  return h("tr", {},
    h("td", {}, p.provider),
    h("td", {}, p.configured ? "✓" : "—"),
    h("td", { class: "num" }, orNone(p.orders, fmt.int)),
    h("td", { class: "num" }, orNone(p.delivered, fmt.int)),
    h("td", { class: "num" }, orNone(p.failed, fmt.int)),
    h("td", { class: "num" }, orNone(p.success_rate, (r) => `${fmt.pct(r * 100)}%`)),
    h("td", { class: "num" }, orNone(p.median_delivery_seconds, (sec) => `${fmt.int(sec)} s`)),
    h("td", { class: "num" }, orNone(p.avg_sun_per_energy, (v) => fmt.pct(v))),
    h("td", { class: "num" }, orNone(p.reliability, (r) => `${fmt.pct(r * 100)}%`)),
  );
}

function table(columns, rows, caption, prefix) {
  return h("div", { class: "table-scroll" },
    h("table", {},
      h("caption", { class: "sr-only" }, caption),
      h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", { scope: "col", class: NUMERIC.has(c) ? "num" : undefined }, t(`${prefix}.${c}`))))),
      h("tbody", {}, ...rows),
    ),
  );
}

const PANELS = {
  orders: { title: "po.orders", empty: "po.none", list: (b) => b.purchase_orders, columns: PURCHASE_ORDER_COLUMNS, row: purchaseOrderRow, prefix: "po.col" },
  providers: { title: "po.providers", empty: "po.no_providers", list: (b) => b.providers, columns: PROVIDER_COLUMNS, row: providerRow, prefix: "pv.col" },
};

/**
 * `result` is {state: "unavailable", path} when this build of the API lacks the endpoint,
 * {state: "error", message}, or {state: "ok", body}.
 */
export function renderOptionalPanel(host, kind, result) {
  const panel = PANELS[kind];
  const rows = result.state === "ok" ? panel.list(result.body) ?? [] : [];
  let content;
  if (result.state === "unavailable") content = h("p", { class: "note" }, t("po.unavailable", { path: result.path }));
  else if (result.state === "error") content = h("p", { class: "note error" }, t("po.error", { message: result.message }));
  else if (!rows.length) content = h("p", { class: "muted" }, t(panel.empty));
  else content = table(panel.columns, rows.map(panel.row), t(panel.title), panel.prefix);
  host.replaceChildren(h("h3", {}, t(panel.title)), content);
  host.dataset.state = result.state === "ok" ? (rows.length ? "data" : "empty") : result.state;
}
