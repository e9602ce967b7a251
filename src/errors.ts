// One typed error for everything the API reports on purpose. `onError` turns it into
// `{error: {code, message}}`; the code never changes with the language, the message does.

export type Lang = "en" | "ko";

const MESSAGES = {
  invalid_request: { status: 400, en: "Invalid request: {detail}", ko: "잘못된 요청입니다: {detail}" },
  malformed_json: { status: 400, en: "The request body is not valid JSON.", ko: "요청 본문이 올바른 JSON이 아닙니다." },
  idempotency_key_required: { status: 400, en: "This request moves money: send an Idempotency-Key header.", ko: "자금이 이동하는 요청입니다: Idempotency-Key 헤더를 보내 주세요." },
  idempotency_key_reused: { status: 422, en: "This Idempotency-Key was already used with a different request body.", ko: "이 Idempotency-Key는 다른 요청 본문으로 이미 사용되었습니다." },
  idempotency_in_progress: { status: 409, en: "A request with this Idempotency-Key is still being processed; retry later.", ko: "같은 Idempotency-Key의 요청이 아직 처리 중입니다. 잠시 후 다시 시도해 주세요." },
  payload_too_large: { status: 413, en: "The request body is too large.", ko: "요청 본문이 너무 큽니다." },
  unauthorized: { status: 401, en: "Missing or invalid bearer token: {detail}", ko: "인증 토큰이 없거나 유효하지 않습니다: {detail}" },
  forbidden: { status: 403, en: "This endpoint needs the admin role.", ko: "관리자 권한이 필요합니다." },
  not_found: { status: 404, en: "{what} not found.", ko: "{what}을(를) 찾을 수 없습니다." },
  invalid_state: { status: 409, en: "The withdrawal is {status}; this action needs it to be {expected}.", ko: "출금 상태가 {status}입니다. 이 작업은 {expected} 상태에서만 가능합니다." },
  insufficient_balance: { status: 409, en: "Insufficient {asset} balance.", ko: "{asset} 잔액이 부족합니다." },
  energy_insufficient: { status: 409, en: "The energy pool cannot cover this withdrawal right now ({required} needed, {available} free); check the options.", ko: "지금은 에너지 풀로 이 출금을 처리할 수 없습니다 (필요 {required}, 가용 {available}). 다른 옵션을 확인해 주세요." },
  option_unavailable: { status: 422, en: "The option {method} is not available for this withdrawal ({reason}).", ko: "이 출금에는 {method} 옵션을 사용할 수 없습니다 ({reason})." },
  rate_limited: { status: 429, en: "Too many requests: at most {limit} a minute. Retry in {retry_after} s.", ko: "요청이 너무 많습니다: 분당 최대 {limit}회입니다. {retry_after}초 후에 다시 시도해 주세요." },
  quote_expired: { status: 409, en: "The provider quotes are older than two minutes; check the options again.", ko: "공급자 견적이 2분이 지나 만료되었습니다. 옵션을 다시 확인해 주세요." },
  estimate_failed: { status: 422, en: "The transfer cannot be simulated on chain: {detail}", ko: "전송을 체인에서 시뮬레이션할 수 없습니다: {detail}" },
  chain_unavailable: { status: 503, en: "The TRON node is not answering; try again shortly.", ko: "TRON 노드가 응답하지 않습니다. 잠시 후 다시 시도해 주세요." },
  upgrade_required: { status: 426, en: "This endpoint takes a WebSocket upgrade.", ko: "이 엔드포인트는 WebSocket 업그레이드가 필요합니다." },
  origin_not_allowed: { status: 403, en: "Origin {origin} may not open this WebSocket.", ko: "{origin} 출처에서는 이 WebSocket을 열 수 없습니다." },
  invalid_ticket: { status: 401, en: "The WebSocket ticket is unknown, used or expired; request a new one.", ko: "WebSocket 티켓이 없거나 이미 사용되었거나 만료되었습니다. 새로 발급받아 주세요." },
  internal_error: { status: 500, en: "Internal error.", ko: "내부 오류가 발생했습니다." },
} as const;

export type ErrorCode = keyof typeof MESSAGES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly params: Record<string, string | number>;
  readonly field?: string;

  constructor(code: ErrorCode, params: Record<string, string | number> = {}, field?: string) {
    super(render(code, "en", params));
    this.name = "AppError";
    this.code = code;
    this.status = MESSAGES[code].status;
    this.params = params;
    this.field = field;
  }

  toBody(lang: Lang) {
    return {
      error: {
        code: this.code,
        message: render(this.code, lang, this.params),
        ...(this.field ? { field: this.field } : {}),
      },
    };
  }
}

function render(code: ErrorCode, lang: Lang, params: Record<string, string | number>): string {
  return MESSAGES[code][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ""));
}

export function languageOf(acceptLanguage: string | undefined | null): Lang {
  return acceptLanguage && /^\s*ko\b/i.test(acceptLanguage) ? "ko" : "en";
}
