// The operator dashboard in a real browser against the real service: the devnet and `wrangler dev`
// (workerd, the Durable Object, a fresh local D1) are started here, Debian's Chromium is driven
// headless through playwright-core. Everything the dashboard shows must arrive without a reload.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page, type WebSocketRoute } from "playwright-core";
import { startDevnet, type DevnetHandle } from "../../devnet/server";
import {
  DEMO_HOLDER,
  devnetPost,
  freePort,
  HOT_WALLET,
  POOL_ID,
  prepareDatabase,
  readVarsFile,
  ROOT,
  seedChain,
  signToken,
  startWrangler,
  waitUntilServing,
  type WranglerDev,
} from "../../scripts/stack";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const IN_CI = ["true", "1"].includes((process.env.CI ?? "").toLowerCase());
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM && IN_CI) throw new Error(`${CHROMIUM} is missing in CI: .ci/run installs it (apt-get install -y chromium)`);
if (!HAS_CHROMIUM) console.warn(`[browser] skipped: no browser at ${CHROMIUM} (install it with \`apt-get install chromium\`, or set CHROMIUM_PATH)`);

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SCREENSHOT = join(ROOT, "test-results", "dashboard.png");
// Secrets as CI has them: .dev.vars may not exist there, the example always does.
const SECRETS = readVarsFile(".dev.vars.example");
const fmt = (n: number) => n.toLocaleString("en-US");

let tmp: string | undefined;
let devnet: DevnetHandle | undefined;
let api: WranglerDev | undefined;
let browser: BrowserContext | undefined;
let page: Page;
const sockets: WebSocketRoute[] = [];
const consoleErrors: string[] = [];
let seq = 0;

async function call(path: string, opts: { user?: string; admin?: boolean; body?: unknown; method?: string; key?: boolean } = {}) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${await signToken(opts.user ?? "ops", { secret: SECRETS.JWT_SECRET, admin: opts.admin ?? !opts.user })}`,
  };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.key) headers["idempotency-key"] = `browser-${Date.now()}-${++seq}`;
  const res = await fetch(`${api!.url}/api/v1${path}`, {
    method: opts.method ?? (opts.body !== undefined || opts.key ? "POST" : "GET"),
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function poolStatus() {
  const { body } = await call("/admin/pools");
  return body.pools[0].status;
}

async function withdraw(user: string) {
  const created = await call("/withdrawals", { user, body: { to_address: DEMO_HOLDER, amount: "2" }, key: true });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const text = (selector: string) => page.locator(selector).innerText();
const sameDocument = () => page.evaluate(() => (globalThis as { __sameDocument?: boolean }).__sameDocument === true);

async function cleanup() {
  await browser?.close().catch(() => undefined);
  await api?.stop().catch(() => undefined);
  await devnet?.close().catch(() => undefined);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  browser = api = devnet = tmp = undefined;
}

describe.skipIf(!HAS_CHROMIUM)("operator dashboard in Chromium", () => {
  beforeAll(async () => {
    try {
      tmp = mkdtempSync(join(tmpdir(), "energy-fallback-browser-"));
      const state = join(tmp, "state");
      devnet = await startDevnet({ port: 0 });
      await Promise.all([seedChain(devnet.url), prepareDatabase({ persistTo: state, output: "capture" })]);
      const port = await freePort();
      api = startWrangler({
        port,
        persistTo: state,
        inspectorPort: await freePort(),
        output: "capture",
        vars: {
          TRON_API_URL: devnet.url,
          WS_ALLOWED_ORIGINS: `http://127.0.0.1:${port}`,
          JWT_SECRET: SECRETS.JWT_SECRET,
          HOT_WALLET_PRIVATE_KEY: SECRETS.HOT_WALLET_PRIVATE_KEY,
          FEE_WALLET_PRIVATE_KEY: SECRETS.FEE_WALLET_PRIVATE_KEY,
        },
      });
      [browser] = await Promise.all([
        chromium.launchPersistentContext(join(tmp, "chromium-profile"), {
          executablePath: CHROMIUM,
          headless: true,
          args: CHROMIUM_ARGS,
          locale: "en-US",
          viewport: { width: 1440, height: 900 },
        }),
        waitUntilServing(api),
      ]);
      page = browser.pages()[0] ?? (await browser.newPage());
      page.on("console", (m) => {
        if (m.type() === "error") consoleErrors.push(`${m.text()} (${m.location().url})`);
      });
      page.on("pageerror", (e) => consoleErrors.push(e.message));
      // Every dashboard socket goes through here, so that the test can cut one.
      await page.routeWebSocket(/\/api\/v1\/ws\?ticket=/, (ws) => {
        ws.connectToServer();
        sockets.push(ws);
      });
    } catch (e) {
      await cleanup();
      throw e;
    }
  }, 120_000);

  afterAll(cleanup, 30_000);

  it("signs in with an admin token and shows the pool's numbers", async () => {
    await page.goto(api!.url);
    await page.getByLabel("Admin token").fill(await signToken("ops", { secret: SECRETS.JWT_SECRET, admin: true }));
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#conn").getAttribute("data-state"), { timeout: 10_000 }).toBe("live");

    const status = await poolStatus();
    expect(await text("#fig-limit")).toBe(fmt(status.energy_limit));
    expect(await text("#fig-available")).toBe(fmt(status.energy_available));
    expect(await text("#fig-reserved")).toBe("0");
    expect(await text("#fig-next")).toBe("now");
    expect(await page.locator("#gauge").getAttribute("aria-label")).toContain(`${fmt(status.energy_available)} of ${fmt(status.energy_limit)}`);
    await expect.poll(() => page.locator("#withdrawals-body").innerText()).toContain("No withdrawals yet.");
    // No purchase-order endpoint on this build: the panel says so instead of showing anything.
    await expect.poll(() => page.locator("#orders").getAttribute("data-state")).toMatch(/^(unavailable|empty|data)$/);
    await page.evaluate(() => {
      (globalThis as { __sameDocument?: boolean }).__sameDocument = true;
    });
  });

  it("shows a withdrawal's reservation and the withdrawal itself as they happen", async () => {
    const id = await withdraw("alice");
    const processed = await call(`/withdrawals/${id}/process-with-option`, { user: "alice", body: { method: "standard" }, key: true });
    expect(processed.status).toBe(200);
    const reserved = (await poolStatus()).energy_reserved;
    expect(reserved).toBeGreaterThan(60_000);

    await expect.poll(() => text("#fig-reserved"), { timeout: 10_000 }).toBe(fmt(reserved));
    const row = page.locator(`#withdrawals-body tr[data-withdrawal="${id}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.innerText()).toMatch(/alice[\s\S]*2 USDT[\s\S]*(Processing|Broadcast)[\s\S]*Standard/);
    expect(await sameDocument()).toBe(true);
  });

  it("shows a queued withdrawal in the queue table as it happens", async () => {
    // About 100k energy of stake, most of it reserved by alice's transfer: the next one must wait.
    await devnetPost(devnet!.url, "/devnet/stake", { address: HOT_WALLET, trx: 10_000 });
    const id = await withdraw("bob");
    await expect
      .poll(async () => (await call(`/withdrawals/${id}/check-options`, { user: "bob", method: "POST" })).body.can_process_immediately, { timeout: 15_000, interval: 1_000 })
      .toBe(false);
    const queued = await call(`/withdrawals/${id}/process-with-option`, { user: "bob", body: { method: "queue_wait", priority: 0 }, key: true });
    expect(queued.status).toBe(200);

    const row = page.locator(`#queue-body tr[data-withdrawal="${id}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.innerText()).toMatch(/^1\s[\s\S]*Normal[\s\S]*64,376/);
    await expect.poll(() => text("#fig-queued")).toBe("1");
    await expect.poll(() => text("#next-fit-note")).toBe("The queue goes first (1 waiting)");
    expect(await sameDocument()).toBe(true);
  });

  it("says it is reconnecting when the socket drops, then comes back by itself", async () => {
    const before = sockets.length;
    await sockets.at(-1)!.close({ code: 4000, reason: "test cut" });
    await expect.poll(() => page.locator("#conn").getAttribute("data-state"), { timeout: 5_000 }).toBe("reconnecting");
    expect(await text("#conn")).toMatch(/Reconnecting/);
    await expect.poll(() => page.locator("#conn").getAttribute("data-state"), { timeout: 10_000 }).toBe("live");
    expect(sockets.length).toBe(before + 1);
    expect(await sameDocument()).toBe(true);
  });

  it("draws the available energy over the last hour and the last 24 hours", async () => {
    const chart = page.locator("#chart svg");
    await expect.poll(() => chart.getAttribute("aria-label")).toMatch(/^Available energy over the last 1 hour: now [\d,]+/);
    await page.getByRole("button", { name: "24 hours" }).click();
    await expect.poll(() => chart.getAttribute("aria-label")).toMatch(/^Available energy over the last 24 hours: now [\d,]+/);
    expect(await chart.locator("path.chart-line").count()).toBeGreaterThan(0);
    await page.getByRole("button", { name: "1 hour" }).click();
    await expect.poll(() => chart.getAttribute("aria-label")).toMatch(/last 1 hour/);
  });

  it("validates the config form, saves it through the API, and keeps it across a reload", async () => {
    const field = page.getByLabel("Maximum wait");
    await field.fill("0");
    await expect.poll(() => text("#cfg-queue_max_wait_hours-error")).toBe("At least 1.");
    await page.getByLabel("Critical at or below").fill("25");
    await expect.poll(() => text("#cfg-critical_threshold-error")).toBe("Must be below the warning threshold.");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => text("#config-status")).toBe("Fix the highlighted fields.");
    expect((await call(`/admin/config?pool_id=${POOL_ID}`)).body.config.queue_max_wait_hours).toBe(24);

    await page.getByLabel("Critical at or below").fill("10");
    await field.fill("36");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => text("#config-status")).toMatch(/^Saved at /);
    const saved = (await call(`/admin/config?pool_id=${POOL_ID}`)).body.config;
    expect(saved.queue_max_wait_hours).toBe(36);
    expect(saved.critical_threshold).toBe(10);

    await page.reload();
    await expect.poll(() => page.locator("#conn").getAttribute("data-state"), { timeout: 10_000 }).toBe("live");
    await expect.poll(() => field.inputValue()).toBe("36");
    await expect.poll(() => page.locator("#queue-body tr[data-withdrawal]").count()).toBe(1);

    mkdirSync(join(ROOT, "test-results"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it("logged nothing to the console as an error", () => {
    expect(consoleErrors).toEqual([]);
  });
});
