// The admin API with the signed-in token. A 401 anywhere means the session is over.
import { lang } from "./i18n.js";

const TOKEN_KEY = "energy-fallback.admin-token";

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code ?? null;
    this.field = body?.error?.field ?? null;
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

export async function api(path, { method = "GET", body, token = session.token } = {}) {
  const headers = { authorization: `Bearer ${token}`, "accept-language": lang };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const error = new ApiError(res.status, data);
    if (res.status === 401 && token === session.token) onUnauthorized(error);
    throw error;
  }
  return data;
}

let documented = null;
/**
 * Whether the API documents `GET /api/v1<path>` (its OpenAPI document lists every route). Asking
 * first keeps endpoints that a build lacks from filling the console with 404s.
 */
export async function documents(path) {
  documented ??= fetch("/openapi.json")
    .then((r) => (r.ok ? r.json() : { paths: {} }))
    .then((doc) => new Set(Object.keys(doc.paths ?? {})))
    .catch(() => null);
  const paths = await documented;
  return paths === null ? true : paths.has(`/api/v1${path}`);
}
