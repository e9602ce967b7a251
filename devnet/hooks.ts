// A webhook receiver for alert deliveries (Slack / Discord / signed JSON): it keeps what it was sent,
// headers and raw body included, so tests can check payloads and signatures, and can be told to
// answer with errors to exercise retries.

export interface ReceivedHook {
  name: string;
  headers: Record<string, string>;
  body: string;
  received_at: number;
  answered: number;
}

export class HookSink {
  received: ReceivedHook[] = [];
  #failures = 0;

  /** The next `count` deliveries are answered 500. */
  failNext(count: number): void {
    this.#failures = count;
  }

  receive(name: string, headers: Record<string, string>, body: string): number {
    const answered = this.#failures > 0 ? 500 : 200;
    if (this.#failures > 0) this.#failures--;
    this.received.push({ name, headers, body, received_at: Date.now(), answered });
    return answered;
  }

  reset(): void {
    this.received = [];
    this.#failures = 0;
  }
}
