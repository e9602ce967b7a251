import type { FallbackConfig } from "./config";
import type { Lang } from "../errors";

// Alert levels with hysteresis (DESIGN §1.6, §6): warning at or below alert_threshold % available,
// critical at or below critical_threshold %, and recovery only once availability rises above
// alert_threshold + 10 %, so a pool hovering at a threshold does not alert on every check.

export type AlertLevel = "normal" | "warning" | "critical";
export type AlertKind = "warning" | "critical" | "recovery";

export const RECOVERY_MARGIN = 10;

export function nextAlert(
  previous: AlertLevel,
  availablePercent: number,
  cfg: Pick<FallbackConfig, "alert_threshold" | "critical_threshold">,
): { level: AlertLevel; alert: AlertKind | null } {
  if (availablePercent <= cfg.critical_threshold) return { level: "critical", alert: previous === "critical" ? null : "critical" };
  if (availablePercent <= cfg.alert_threshold) return previous === "normal" ? { level: "warning", alert: "warning" } : { level: previous, alert: null };
  if (previous !== "normal" && availablePercent > cfg.alert_threshold + RECOVERY_MARGIN) return { level: "normal", alert: "recovery" };
  return { level: previous, alert: null };
}

export interface AlertFacts {
  poolName: string;
  usagePercent: number;
  energyAvailable: number;
  energyLimit: number;
}

const TITLES: Record<AlertKind, Record<Lang, string>> = {
  critical: { en: "🚨 Energy pool critical", ko: "🚨 에너지 풀 위급 상황" },
  warning: { en: "⚠️ Energy pool running low", ko: "⚠️ 에너지 풀 부족 경고" },
  recovery: { en: "✅ Energy pool recovered", ko: "✅ 에너지 풀 회복" },
};

const ACTIONS: Record<Exclude<AlertKind, "recovery">, Record<Lang, string[]>> = {
  critical: {
    en: ["Stake more TRX for energy", "Buy external energy", "Limit the service temporarily"],
    ko: ["추가 TRX 동결", "외부 에너지 구매", "서비스 일시 제한"],
  },
  warning: {
    en: ["Stake more TRX for energy", "Prepare external energy"],
    ko: ["추가 TRX 동결 검토", "외부 에너지 구매 준비"],
  },
};

export function suggestedActions(kind: AlertKind, lang: Lang = "en"): string[] {
  return kind === "recovery" ? [] : ACTIONS[kind][lang];
}

/** The text operators read in Slack, Discord and the dashboard. */
export function alertText(kind: AlertKind, f: AlertFacts, lang: Lang = "en"): string {
  const labels = lang === "ko" ? ["풀 이름", "사용률", "남은 에너지"] : ["Pool", "Usage", "Energy left"];
  const lines = [
    TITLES[kind][lang],
    `${labels[0]}: ${f.poolName}`,
    `${labels[1]}: ${f.usagePercent.toFixed(1)}%`,
    `${labels[2]}: ${f.energyAvailable.toLocaleString("en-US")} / ${f.energyLimit.toLocaleString("en-US")}`,
  ];
  const actions = suggestedActions(kind, lang);
  if (actions.length) lines.push(lang === "ko" ? "조치 필요:" : "Action needed:", ...actions.map((a, i) => `${i + 1}. ${a}`));
  return lines.join("\n");
}
