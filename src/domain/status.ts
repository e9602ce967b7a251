import type { FallbackConfig } from "./config";

export type ServiceStatus = "normal" | "caution" | "limited";

/** DESIGN §6: normal above the alert threshold, caution down to the critical one, limited below. */
export function serviceStatus(availablePercent: number, cfg: Pick<FallbackConfig, "alert_threshold" | "critical_threshold">): ServiceStatus {
  if (availablePercent > cfg.alert_threshold) return "normal";
  if (availablePercent >= cfg.critical_threshold) return "caution";
  return "limited";
}

// A typical USDT transfer to an address that already holds USDT: below this, a user's withdrawal
// will most likely need an alternative.
export const TYPICAL_TRANSFER_ENERGY = 65_000;

/** What users are told about the pool: never its numbers, only whether they can withdraw normally. */
export function userView(
  p: { available_percentage: number; energy_available: number; queue_length: number },
  cfg: Pick<FallbackConfig, "alert_threshold" | "critical_threshold">,
): { service_status: ServiceStatus; service_available: boolean; alternative_required: boolean } {
  const level = serviceStatus(p.available_percentage, cfg);
  return {
    service_status: level,
    service_available: level !== "limited",
    alternative_required: p.energy_available < TYPICAL_TRANSFER_ENERGY || p.queue_length > 0,
  };
}
