import type { FallbackConfig } from "./config";

export type ServiceStatus = "normal" | "caution" | "limited";

/** DESIGN §6: normal above the alert threshold, caution down to the critical one, limited below. */
export function serviceStatus(availablePercent: number, cfg: Pick<FallbackConfig, "alert_threshold" | "critical_threshold">): ServiceStatus {
  if (availablePercent > cfg.alert_threshold) return "normal";
  if (availablePercent >= cfg.critical_threshold) return "caution";
  return "limited";
}
