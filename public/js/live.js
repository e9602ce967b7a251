// The admin WebSocket: a single-use ticket bought with the bearer token, then the socket. A dropped
// connection is retried with exponential backoff (1 s, 2 s, 4 s … 30 s, with jitter so that a
// restarted server is not hit by every console at once); each attempt buys a fresh ticket.

const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
// Answered by the runtime without waking the pool; keeps idle proxies from closing the socket.
const PING_EVERY_MS = 25_000;

/**
 * `onState` gets {state: "connecting" | "live" | "reconnecting" | "unauthorized", attempt, retryAt}.
 * Returns {stop, retryNow}.
 */
export function openLiveFeed({ ticket, onMessage, onState }) {
  let socket = null;
  let attempt = 0;
  let timer = null;
  let pinger = null;
  let stopped = false;

  const retry = () => {
    attempt += 1;
    const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
    onState({ state: "reconnecting", attempt, retryAt: Date.now() + delay });
    timer = setTimeout(connect, delay);
  };

  async function connect() {
    timer = null;
    if (attempt === 0) onState({ state: "connecting", attempt });
    let url;
    try {
      url = new URL(await ticket(), location.href);
    } catch (e) {
      if (stopped) return;
      if (e?.status === 401 || e?.status === 403) return onState({ state: "unauthorized", attempt });
      return retry();
    }
    if (stopped) return;
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url);
    socket = ws;
    ws.addEventListener("open", () => {
      attempt = 0;
      onState({ state: "live", attempt });
      pinger = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), PING_EVERY_MS);
    });
    ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string" || event.data === "pong") return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      onMessage(message);
    });
    ws.addEventListener("close", () => {
      clearInterval(pinger);
      if (socket === ws) socket = null;
      if (!stopped) retry();
    });
  }

  const retryNow = () => {
    if (timer === null || stopped) return;
    clearTimeout(timer);
    connect();
  };
  window.addEventListener("online", retryNow);
  connect();

  return {
    retryNow,
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(pinger);
      window.removeEventListener("online", retryNow);
      socket?.close(1000, "signed out");
    },
  };
}
