import type { Lang } from "./errors";
import type { ServiceStatus } from "./domain/status";
import type { OptionMethod } from "./domain/options";

// User-facing texts other than errors. Machine-readable fields never change with the language.

const STATUS_MESSAGES: Record<ServiceStatus, Record<Lang, string>> = {
  normal: { en: "Withdrawals are processed normally.", ko: "출금이 정상적으로 처리되고 있습니다." },
  caution: { en: "Energy is running low: some withdrawals may need an alternative option.", ko: "에너지가 부족해지고 있습니다. 일부 출금은 대체 옵션이 필요할 수 있습니다." },
  limited: { en: "Energy is short: withdrawals need an alternative option (TRX fee, queue, external energy or later).", ko: "에너지가 부족합니다. 출금 시 대체 옵션(TRX 수수료, 대기열, 외부 에너지, 연기)이 필요합니다." },
};

const OPTION_DESCRIPTIONS: Record<OptionMethod, Record<Lang, string>> = {
  standard: { en: "Sent now with the exchange's staked energy, no extra fee.", ko: "거래소의 스테이킹 에너지로 즉시 전송합니다. 추가 수수료가 없습니다." },
  trx_payment: { en: "Sent now; you pay the network fee in TRX.", ko: "즉시 전송하며, 네트워크 수수료를 TRX로 지불합니다." },
  queue_wait: { en: "Wait in line until the pool's energy recovers; no fee.", ko: "에너지가 회복될 때까지 대기열에서 기다립니다. 수수료가 없습니다." },
  external_pool: { en: "Sent now with energy rented from an external provider.", ko: "외부 공급자에게서 임대한 에너지로 즉시 전송합니다." },
  postpone: { en: "Try again later, when energy is expected to be available.", ko: "에너지가 충분해질 것으로 예상되는 시간에 다시 처리합니다." },
};

const PROCESS_MESSAGES = {
  standard_sent: { en: "The withdrawal was sent to the TRON network.", ko: "출금이 TRON 네트워크로 전송되었습니다." },
  standard_pending: { en: "The withdrawal is being sent; its status will update shortly.", ko: "출금을 전송 중입니다. 곧 상태가 갱신됩니다." },
  standard_failed: { en: "The network refused the transfer; the amount was refunded.", ko: "네트워크가 전송을 거부하여 금액이 환불되었습니다." },
  cancelled: { en: "The withdrawal was cancelled and the amount refunded.", ko: "출금이 취소되고 금액이 환불되었습니다." },
  trx_payment_sent: { en: "The network fee was charged in TRX and the withdrawal sent.", ko: "네트워크 수수료를 TRX로 결제하고 출금을 전송했습니다." },
  external_ordered: { en: "Energy was ordered from a provider; the withdrawal is sent as soon as it arrives.", ko: "외부 공급자에게 에너지를 주문했습니다. 도착하는 즉시 출금을 전송합니다." },
  external_failed: { en: "No provider could deliver energy; the fee was refunded. Check the options again.", ko: "에너지를 제공할 수 있는 공급자가 없어 수수료를 환불했습니다. 옵션을 다시 확인해 주세요." },
  queued: { en: "The withdrawal is waiting in the queue; it will be sent automatically.", ko: "출금이 대기열에 등록되었습니다. 자동으로 전송됩니다." },
  postponed: { en: "The withdrawal is postponed; it will be processed at the chosen time if energy allows.", ko: "출금이 연기되었습니다. 지정한 시간에 에너지가 충분하면 처리됩니다." },
} as const;

export const statusMessage = (s: ServiceStatus, lang: Lang) => STATUS_MESSAGES[s][lang];
export const optionDescription = (m: OptionMethod, lang: Lang) => OPTION_DESCRIPTIONS[m][lang];
export const processMessage = (k: keyof typeof PROCESS_MESSAGES, lang: Lang) => PROCESS_MESSAGES[k][lang];
