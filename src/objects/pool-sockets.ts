// The EnergyPool's subscribers, on the hibernation API: the runtime holds the sockets while the
// object sleeps, so everything needed to address one (channel, user, language) lives in its tags
// and attachment, never in memory.

export interface SocketIdentity {
  userId: string;
  role: "user" | "admin";
  lang: "en" | "ko";
}

export const ADMIN_CHANNEL = "admin";
export const USER_CHANNEL = "users";
export const userTag = (userId: string) => `user:${userId}`;

// Close codes a peer may report but nobody may send.
const RESERVED_CLOSE_CODES = new Set([1005, 1006, 1015]);

export class PoolSockets {
  readonly #ctx: DurableObjectState;

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
    // Answered by the runtime without waking the object: keep-alives cost nothing.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  accept(ws: WebSocket, id: SocketIdentity): void {
    // A user's socket never carries the admin tag, so admin broadcasts cannot reach it.
    this.#ctx.acceptWebSocket(ws, [id.role === "admin" ? ADMIN_CHANNEL : USER_CHANNEL, userTag(id.userId)]);
    ws.serializeAttachment(id);
  }

  count(): number {
    return this.#ctx.getWebSockets().length;
  }

  identity(ws: WebSocket): SocketIdentity | null {
    return (ws.deserializeAttachment() as SocketIdentity | null) ?? null;
  }

  /** Users with at least one open socket. */
  connectedUsers(): Set<string> {
    const users = new Set<string>();
    for (const ws of this.#ctx.getWebSockets()) {
      const id = this.identity(ws);
      if (id) users.add(id.userId);
    }
    return users;
  }

  /**
   * Sends to every socket under `tag`. `send` is synchronous (the runtime buffers), so one dead or
   * slow socket cannot hold up the others; a socket that is closing throws, and is skipped.
   */
  send(tag: string, message: (id: SocketIdentity) => unknown): number {
    let sent = 0;
    const cache = new Map<string, string>();
    for (const ws of this.#ctx.getWebSockets(tag)) {
      const id = this.identity(ws);
      if (!id || ws.readyState !== WebSocket.OPEN) continue;
      const key = `${id.role}:${id.lang}`;
      try {
        let text = cache.get(key);
        if (text === undefined) {
          text = JSON.stringify(message(id));
          // Per-user content (queue, withdrawals) is only ever sent under a user's own tag.
          if (!tag.startsWith("user:")) cache.set(key, text);
        }
        ws.send(text);
        sent++;
      } catch {
        // Closing between getWebSockets() and send(): webSocketClose cleans it up.
      }
    }
    return sent;
  }

  sendOne(ws: WebSocket, message: unknown): void {
    try {
      ws.send(JSON.stringify(message));
    } catch {
      // Closed before its greeting: nothing to tell it.
    }
  }

  close(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(RESERVED_CLOSE_CODES.has(code) ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }
}
