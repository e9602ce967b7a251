// The operator console: sign-in, then the first pool's live state. The admin WebSocket pushes the
// pool's numbers; the lists are re-read from the API when something changed (debounced), because
// the socket tells admins that the pool moved, not what every row now looks like.
import { api, ApiError, documents, session, whenUnauthorized } from "./api.js";
import { drawChart, WINDOWS } from "./chart.js";
import { mountConfigForm } from "./config-form.js";
import { $ } from "./dom.js";
import { minutesUntilFits, serviceLevel, TYPICAL_TRANSFER_ENERGY } from "./energy.js";
import { drawGauge } from "./gauge.js";
import { fmt, t, translateStatic } from "./i18n.js";
import { openLiveFeed } from "./live.js";
import { renderAlerts, renderOptionalPanel, renderQueue, renderWithdrawals } from "./panels.js";

const REFRESH_DEBOUNCE_MS = 400;
// History is re-read at about the rate the pool records it; live points fill in between.
const HISTORY_MAX_AGE_MS = { "1h": 60_000, "24h": 300_000 };
const LIST_LIMIT = 25;
const DEFAULT_THRESHOLDS = { alert_threshold: 20, critical_threshold: 10 };

const state = {
  pool: null,
  config: null,
  status: null,
  window: "1h",
  history: { "1h": null, "24h": null },
  historyAt: { "1h": 0, "24h": 0 },
  lastPoint: null,
  live: null,
  refreshTimer: null,
  refreshing: false,
  refreshAgain: false,
  countdown: null,
};

translateStatic();
$("#next-fit-label").textContent = t("pool.next_fit", { energy: fmt.int(TYPICAL_TRANSFER_ENERGY) });
const configForm = mountConfigForm($("#config-form"), {
  async save(config) {
    const saved = await api(`/admin/config?pool_id=${encodeURIComponent(state.pool.id)}`, { method: "PUT", body: config });
    state.config = saved.config;
    if (state.status) renderStatus(state.status);
    return saved.config;
  },
});

// ------------------------------------------------------------------ session

function showSignin(message = "") {
  $("#console").hidden = true;
  $("#signin").hidden = false;
  $("#signin-error").className = "form-status error";
  $("#signin-error").textContent = message;
  $("#token").focus();
}

function signOut(message) {
  state.live?.stop();
  clearTimeout(state.refreshTimer);
  clearInterval(state.countdown);
  Object.assign(state, { pool: null, config: null, status: null, live: null, lastPoint: null, history: { "1h": null, "24h": null }, historyAt: { "1h": 0, "24h": 0 } });
  session.token = null;
  showSignin(message);
}

whenUnauthorized(() => signOut(t("signin.expired")));

$("#signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const token = $("#token").value.trim().replace(/^Bearer\s+/i, "");
  if (!token) return;
  const button = $("#signin-submit");
  button.disabled = true;
  $("#signin-error").className = "form-status";
  $("#signin-error").textContent = t("signin.checking");
  try {
    await enter(token);
  } finally {
    button.disabled = false;
  }
});

$("#signout").addEventListener("click", () => signOut(""));

/** Checks the token against the admin API, then opens the console on the first pool. */
async function enter(token) {
  let pools;
  try {
    ({ pools } = await api("/admin/pools", { token }));
  } catch (e) {
    const message =
      e instanceof ApiError && e.status === 401 ? t("signin.invalid", { message: e.message })
      : e instanceof ApiError && e.status === 403 ? t("signin.not_admin")
      : t("signin.failed", { message: e.message });
    session.token = null;
    showSignin(message);
    return;
  }
  if (!pools.length) return showSignin(t("signin.no_pool"));
  session.token = token;
  $("#token").value = "";
  $("#signin").hidden = true;
  $("#console").hidden = false;
  start(pools[0]);
}

function start(pool) {
  state.pool = pool;
  $("#pool-name").textContent = pool.name;
  $("#pool-wallet").textContent = pool.hot_wallet_address;
  if (pool.status) renderStatus(pool.status);
  else showPoolError(pool.status_error);
  loadConfig();
  refreshLists();
  loadHistory(state.window);
  state.live = openLiveFeed({
    ticket: async () => (await api("/ws/ticket", { method: "POST", body: { pool_id: pool.id } })).url,
    onMessage,
    onState: renderConnection,
  });
}

// ------------------------------------------------------------------ live

function onMessage(message) {
  switch (message.type) {
    case "energy_update":
      renderStatus(message.data);
      addLivePoint(message.data, message.timestamp);
      scheduleRefresh();
      break;
    case "alert":
      showAlertBanner(message.data);
      scheduleRefresh();
      break;
    case "queue_update":
    case "withdrawal_update":
      scheduleRefresh();
      break;
  }
}

function renderConnection({ state: connection, attempt, retryAt }) {
  const pill = $("#conn");
  clearInterval(state.countdown);
  if (connection === "unauthorized") return signOut(t("signin.expired"));
  pill.className = `pill pill-${connection}`;
  pill.dataset.state = connection;
  $("#conn-retry").hidden = connection !== "reconnecting";
  if (connection !== "reconnecting") {
    pill.textContent = t(`conn.${connection}`);
    return;
  }
  const tick = () => {
    const seconds = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
    pill.textContent = seconds > 0 ? t("conn.reconnecting", { seconds, attempt }) : t("conn.retrying");
  };
  tick();
  state.countdown = setInterval(tick, 1000);
}

$("#conn-retry").addEventListener("click", () => state.live?.retryNow());

function showAlertBanner(alert) {
  const banner = $("#alert-banner");
  banner.className = `banner level-${alert.level}`;
  const actions = alert.suggested_actions?.length ? ` — ${alert.suggested_actions.join(" · ")}` : "";
  $("#alert-banner-text").textContent =
    `${t(`alert.${alert.level}`)} · ${alert.pool_name}: ` +
    t("alerts.usage", { usage: fmt.pct(alert.usage_percentage), available: fmt.int(alert.energy_available), limit: fmt.int(alert.energy_limit) }) +
    actions;
  banner.hidden = false;
}

$("#alert-dismiss").addEventListener("click", () => ($("#alert-banner").hidden = true));

// ------------------------------------------------------------------ pool

function showPoolError(message) {
  const el = $("#pool-error");
  el.hidden = !message;
  el.textContent = message ? t("pool.status_error", { message }) : "";
}

function renderStatus(status) {
  state.status = status;
  showPoolError(null);
  const thresholds = state.config ?? DEFAULT_THRESHOLDS;
  const level = serviceLevel(status.available_percentage, thresholds);
  drawGauge($("#gauge"), status, { level, alertThreshold: thresholds.alert_threshold, criticalThreshold: thresholds.critical_threshold });
  const badge = $("#service-level");
  badge.className = `badge badge-level-${level}`;
  badge.textContent = t(`level.${level}`);
  $("#fig-available").textContent = fmt.int(status.energy_available);
  $("#fig-reserved").textContent = fmt.int(status.energy_reserved);
  $("#fig-used").textContent = fmt.int(status.energy_used);
  $("#fig-limit").textContent = fmt.int(status.energy_limit);
  $("#fig-in-flight").textContent = fmt.int(status.in_flight);
  $("#fig-queued").textContent = fmt.int(status.queue_length);
  $("#fig-postponed").textContent = fmt.int(status.postponed);
  $("#fig-fee").textContent = t("pool.sun", { value: fmt.int(status.energy_fee_sun) });

  const minutes = minutesUntilFits({ limit: status.energy_limit, used: status.energy_used, reserved: status.energy_reserved });
  $("#fig-next").textContent = minutes === null ? t("pool.next_never") : minutes === 0 ? t("pool.next_now") : t("pool.next_in", { duration: fmt.duration(minutes) });
  $("#next-fit-note").textContent = status.queue_length > 0 ? t("pool.next_queue", { count: fmt.int(status.queue_length) }) : "";
  $("#updated").textContent = t("updated", { time: fmt.clock(Date.now()) });
}

// ------------------------------------------------------------------ lists

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(refreshLists, REFRESH_DEBOUNCE_MS);
}

/** One refresh at a time; a change that arrives meanwhile gets one more after it. */
async function refreshLists() {
  if (!state.pool) return;
  if (state.refreshing) {
    state.refreshAgain = true;
    return;
  }
  state.refreshing = true;
  const poolQuery = `pool_id=${encodeURIComponent(state.pool.id)}`;
  const load = async (path, render) => {
    try {
      render(await api(path));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) console.warn(`refresh ${path}: ${e.message}`);
    }
  };
  await Promise.all([
    load(`/admin/queue?${poolQuery}&limit=${LIST_LIMIT}`, (r) => {
      renderQueue($("#queue-body"), r.entries);
      $("#queue-count").textContent = r.entries.length ? fmt.int(r.entries.length) : "";
    }),
    load(`/admin/withdrawals?limit=${LIST_LIMIT}`, (r) => renderWithdrawals($("#withdrawals-body"), r.withdrawals)),
    load(`/admin/alerts?${poolQuery}&limit=10`, (r) => renderAlerts($("#alerts"), r.alerts)),
    refreshOptionalPanels(),
  ]);
  maybeReloadHistory();
  state.refreshing = false;
  if (state.refreshAgain) {
    state.refreshAgain = false;
    scheduleRefresh();
  }
}

// ------------------------------------------------------------------ chart

async function loadHistory(windowKey) {
  if (!state.pool) return;
  try {
    const r = await api(`/admin/pools/${encodeURIComponent(state.pool.id)}/history?window=${windowKey}`);
    // The pool keeps a sample at most every 30 s: the last pushed numbers may be newer.
    const last = r.samples.at(-1);
    if (state.lastPoint && (!last || Date.parse(state.lastPoint.at) > Date.parse(last.at))) r.samples.push(state.lastPoint);
    state.history[windowKey] = r.samples;
    state.historyAt[windowKey] = Date.now();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    $("#chart").textContent = t("load_error", { message: e.message });
    return;
  }
  if (windowKey === state.window) redrawChart();
}

function maybeReloadHistory() {
  if (Date.now() - state.historyAt[state.window] > HISTORY_MAX_AGE_MS[state.window]) loadHistory(state.window);
}

/** The pushed numbers extend the loaded series at once, between two reads of the history. */
function addLivePoint(status, timestamp) {
  const point = {
    at: timestamp,
    energy_limit: status.energy_limit,
    energy_available: status.energy_available,
    energy_reserved: status.energy_reserved,
    queue_length: status.queue_length,
  };
  state.lastPoint = point;
  for (const key of Object.keys(WINDOWS)) state.history[key]?.push(point);
  redrawChart();
}

function redrawChart() {
  const samples = state.history[state.window];
  if (samples) drawChart($("#chart"), samples, state.window);
}

for (const button of document.querySelectorAll("[data-window]")) {
  button.addEventListener("click", () => {
    state.window = button.dataset.window;
    for (const b of document.querySelectorAll("[data-window]")) b.setAttribute("aria-pressed", String(b === button));
    redrawChart();
    maybeReloadHistory();
  });
}

let resizeFrame = 0;
new ResizeObserver(() => {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(redrawChart);
}).observe($("#chart"));

// ------------------------------------------------------------------ config and optional panels

async function loadConfig() {
  try {
    const r = await api(`/admin/config?pool_id=${encodeURIComponent(state.pool.id)}`);
    state.config = r.config;
    configForm.fill(r.config);
    if (state.status) renderStatus(state.status);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    const status = $("#config-status");
    status.className = "form-status error";
    status.textContent = t("config.load_error", { message: e.message });
  }
}

const OPTIONAL_PANELS = [
  { kind: "orders", path: "/admin/purchase-orders?limit=10" },
  { kind: "providers", path: "/admin/providers" },
];

async function fetchOptional(path) {
  const route = path.split("?")[0];
  const unavailable = { state: "unavailable", path: `/api/v1${route}` };
  if (!(await documents(route))) return unavailable;
  try {
    return { state: "ok", body: await api(path) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return unavailable;
    return { state: "error", message: e.message };
  }
}

async function refreshOptionalPanels() {
  await Promise.all(
    OPTIONAL_PANELS.map(async (p) => {
      const host = $(`#${p.kind}`);
      // An endpoint this build lacks will not appear until the service is redeployed.
      if (host.dataset.state === "unavailable") return;
      renderOptionalPanel(host, p.kind, await fetchOptional(p.path));
    }),
  );
}

// ------------------------------------------------------------------ boot

if (session.token) enter(session.token);
else showSignin();
