// Request plumbing: body and query parsing, java-tron's error envelopes, injected hangs,
// optional one-line-per-request logging (DEVNET_LOG=1).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Chain } from './chain.js';
import { control } from './control-api.js';
import type { FaultQueue } from './faults.js';
import type { HookSink } from './hooks.js';
import { stringify } from './json.js';
import type { ProviderEmulators } from './providers/index.js';
import { walletRoute, type Params } from './wallet-api.js';

export interface DevnetParts {
  chain: Chain;
  faults: FaultQueue;
  /** Timers of requests an injected fault keeps hanging; cleared on shutdown. */
  hangs: Set<NodeJS.Timeout>;
  hooks: HookSink;
  providers: ProviderEmulators;
}

const logging = () => process.env.DEVNET_LOG === '1';

function log(event: string, fields: Record<string, unknown>): void {
  if (logging()) console.log(JSON.stringify({ event, ...fields }));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(stringify(body));
}

function hang(parts: DevnetParts, req: IncomingMessage, kind: string, path: string, ms: number): void {
  log('devnet_fault', { kind, path, ms });
  const timer = setTimeout(() => {
    parts.hangs.delete(timer);
    req.socket.destroy();
  }, ms);
  parts.hangs.add(timer);
}

class MalformedJson extends Error {}

/** GET query and POST body merged; java-tron servlets take either. */
function walletParams(text: string, query: URLSearchParams): Params {
  const params: Params = Object.fromEntries(query);
  if (text.trim() === '') return params;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new MalformedJson((error as Error).message);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new MalformedJson(`can not cast to JSONObject : ${text.slice(0, 60)}`);
  return { ...params, ...(body as Params) };
}

function handleWallet(parts: DevnetParts, req: IncomingMessage, res: ServerResponse, path: string, text: string, query: URLSearchParams): number | null {
  const route = walletRoute(path);
  if (!route) {
    send(res, 404, { Error: `no such endpoint: ${path}` });
    return 404;
  }
  const timeout = parts.faults.take('timeout', path);
  if (timeout) {
    hang(parts, req, 'timeout', path, timeout.ms ?? 0);
    return null;
  }
  const acceptThenTimeout = parts.faults.take('accept_then_timeout', path);
  let body: unknown;
  try {
    const params = walletParams(text, query);
    body = route.handler({ chain: parts.chain, faults: parts.faults, params, path, solidity: route.solidity });
  } catch (error) {
    const message = (error as Error).message;
    body = {
      Error: error instanceof MalformedJson
        ? `class com.alibaba.fastjson.JSONException : ${message}`
        : `class java.lang.IllegalArgumentException : ${message}`,
    };
  }
  if (acceptThenTimeout) {
    hang(parts, req, 'accept_then_timeout', path, acceptThenTimeout.ms ?? 0);
    return null;
  }
  send(res, 200, body);
  return 200;
}

function handleControl(parts: DevnetParts, res: ServerResponse, method: string, path: string, text: string, query: URLSearchParams): number {
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      send(res, 400, { error: 'body is not valid JSON' });
      return 400;
    }
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    send(res, 400, { error: 'body must be a JSON object' });
    return 400;
  }
  const answer = control({
    chain: parts.chain,
    faults: parts.faults,
    hooks: parts.hooks,
    providers: parts.providers,
    method,
    path,
    query,
    body: body as Record<string, unknown>,
  });
  const { status, body: reply } = answer ?? { status: 404, body: { error: `no such devnet endpoint: ${method} ${path}` } };
  send(res, status, reply);
  return status;
}

/** A provider emulator's reply, or its `timeout_after_accept` hang (the order already exists). */
function handleProvider(parts: DevnetParts, req: IncomingMessage, res: ServerResponse, method: string, url: URL, text: string): number | null {
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
  const answer = parts.providers.handle(url.pathname, { method, query: url.searchParams, headers, body: text });
  if (answer.hangMs !== undefined) {
    hang(parts, req, 'provider_timeout_after_accept', url.pathname, answer.hangMs);
    return null;
  }
  send(res, answer.status, answer.body);
  return answer.status;
}

export function requestListener(parts: DevnetParts): RequestListener {
  return (req, res) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://devnet');
      const method = req.method ?? 'GET';
      const text = Buffer.concat(chunks).toString('utf8');
      let status: number | null;
      try {
        if (url.pathname.startsWith('/hooks/') && method === 'POST') {
          const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
          status = parts.hooks.receive(url.pathname.slice('/hooks/'.length), headers, text);
          send(res, status, { ok: status === 200 });
        } else if (url.pathname.startsWith('/providers/')) {
          status = handleProvider(parts, req, res, method, url, text);
        } else {
          status = url.pathname.startsWith('/devnet/')
            ? handleControl(parts, res, method, url.pathname, text, url.searchParams)
            : handleWallet(parts, req, res, url.pathname, text, url.searchParams);
        }
      } catch (error) {
        send(res, 500, { error: (error as Error).message });
        status = 500;
      }
      if (status !== null) log('devnet_request', { method, path: url.pathname, status, ms: Math.round(performance.now() - started) });
    });
  };
}
