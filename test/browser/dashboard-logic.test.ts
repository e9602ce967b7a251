// The dashboard's own arithmetic and form rules, run in Node from the very files the browser loads.
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/stack";

// Plain browser modules without type declarations: loaded by URL, used untyped.
const load = (name: string): Promise<any> => import(pathToFileURL(join(ROOT, "public", "js", name)).href);
const { minutesUntilFits, serviceLevel, WINDOW_MINUTES } = await load("energy.js");
const { validateConfig } = await load("config-rules.js");

describe("time until the next withdrawal fits", () => {
  it("is now when the energy is free, and never while reservations leave no room", () => {
    expect(minutesUntilFits({ limit: 1_000_000, used: 0, reserved: 0 })).toBe(0);
    expect(minutesUntilFits({ limit: 1_000_000, used: 900_000, reserved: 0 })).toBe(0);
    expect(minutesUntilFits({ limit: 100_000, used: 0, reserved: 50_000 })).toBeNull();
  });

  it("is the first minute at which limit - used * (1 - t / 24 h) - reserved covers the withdrawal", () => {
    for (const [limit, used, reserved] of [
      [200_000, 180_000, 0],
      [289_999, 257_000, 0],
      [1_000_000, 990_000, 50_000],
      [120_000, 64_376, 0],
    ]) {
      const free = (t: number) => limit - used * (1 - t / WINDOW_MINUTES) - reserved;
      const t = minutesUntilFits({ limit, used, reserved }, 65_000);
      expect(t).toBeGreaterThan(0);
      expect(free(t)).toBeGreaterThanOrEqual(65_000);
      expect(free(t - 1)).toBeLessThan(65_000);
    }
    expect(minutesUntilFits({ limit: 200_000, used: 180_000, reserved: 0 }, 65_000)).toBe(360);
  });

  it("colours the gauge with the levels users are told", () => {
    const cfg = { alert_threshold: 20, critical_threshold: 10 };
    expect(serviceLevel(20.01, cfg)).toBe("normal");
    expect(serviceLevel(20, cfg)).toBe("caution");
    expect(serviceLevel(10, cfg)).toBe("caution");
    expect(serviceLevel(9.99, cfg)).toBe("limited");
  });
});

describe("config form rules (mirroring the server's ConfigSchema)", () => {
  const valid = {
    trx_payment_enabled: true,
    trx_payment_markup: "1.5",
    trx_payment_min_balance: "10",
    queue_enabled: true,
    queue_max_wait_hours: "24",
    queue_priority_fee: "5",
    external_pool_enabled: false,
    external_pool_max_premium: "2",
    alert_threshold: "20",
    critical_threshold: "10",
  };
  const errorOf = (patch: Record<string, unknown>, key: string) => validateConfig({ ...valid, ...patch }).errors[key]?.code;

  it("accepts the defaults and sends numbers as numbers, TRX amounts as strings", () => {
    const { values, errors } = validateConfig(valid);
    expect(errors).toEqual({});
    expect(values).toEqual({ ...valid, trx_payment_markup: 1.5, queue_max_wait_hours: 24, external_pool_max_premium: 2, alert_threshold: 20, critical_threshold: 10 });
  });

  it("refuses what the server refuses", () => {
    expect(errorOf({ queue_max_wait_hours: "0" }, "queue_max_wait_hours")).toBe("min");
    expect(errorOf({ queue_max_wait_hours: "169" }, "queue_max_wait_hours")).toBe("max");
    expect(errorOf({ queue_max_wait_hours: "1.5" }, "queue_max_wait_hours")).toBe("not_integer");
    expect(errorOf({ queue_max_wait_hours: "" }, "queue_max_wait_hours")).toBe("required");
    expect(errorOf({ trx_payment_markup: "1.23456" }, "trx_payment_markup")).toBe("decimals");
    expect(errorOf({ trx_payment_markup: "0.9" }, "trx_payment_markup")).toBe("min");
    expect(errorOf({ external_pool_max_premium: "abc" }, "external_pool_max_premium")).toBe("not_number");
    expect(errorOf({ alert_threshold: "91" }, "alert_threshold")).toBe("max");
    expect(errorOf({ critical_threshold: "20" }, "critical_threshold")).toBe("below_alert");
    expect(errorOf({ queue_priority_fee: "0.0" }, "queue_priority_fee")).toBe("amount_positive");
    expect(errorOf({ queue_priority_fee: "1.1234567" }, "queue_priority_fee")).toBe("amount_precision");
    expect(errorOf({ queue_priority_fee: "1e3" }, "queue_priority_fee")).toBe("amount_format");
    expect(errorOf({ trx_payment_min_balance: "1234567890" }, "trx_payment_min_balance")).toBe("amount_large");
  });

  it("checks the abuse limits when the server has them, and sends nothing it does not report", () => {
    expect(errorOf({ user_money_requests_per_minute: "0" }, "user_money_requests_per_minute")).toBe("min");
    expect(errorOf({ user_ws_tickets_per_minute: "100001" }, "user_ws_tickets_per_minute")).toBe("max");
    expect(validateConfig({ ...valid, user_ws_tickets_per_minute: "10" }).values.user_ws_tickets_per_minute).toBe(10);
    expect(Object.keys(validateConfig(valid).values)).not.toContain("user_ws_tickets_per_minute");
  });

  it("accepts the edges the server accepts", () => {
    expect(validateConfig({ ...valid, queue_priority_fee: "0", trx_payment_min_balance: "0.000001", trx_payment_markup: "10", queue_max_wait_hours: "168", critical_threshold: "0", alert_threshold: "1" }).errors).toEqual({});
  });
});
