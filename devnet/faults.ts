// Queued misbehaviour, consumed one matching request at a time so that a test can script
// exactly which call fails and how.

const FAULT_KINDS = ['broadcast_error', 'accept_never_mine', 'timeout', 'accept_then_timeout'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  remaining: number;
  /** Substring of the request path the fault applies to. */
  path: string;
  /** broadcast_error: the java-tron response code to answer with. */
  code?: string;
  /** broadcast_error: the message (plain text; sent hex-encoded like java-tron). */
  message?: string;
  /** timeout kinds: how long the socket hangs before it is destroyed. */
  ms?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const BROADCAST_PATH = '/wallet/broadcasttransaction';
// Control endpoints stay reachable while a fault is queued: only node paths can fail.
const NODE_PATH = '/wallet';

export class FaultQueue {
  private faults: Fault[] = [];

  /** Validates and queues a fault; returns an error text for a bad request. */
  add(input: Record<string, unknown>): Fault | string {
    const kind = input.kind as FaultKind;
    if (!FAULT_KINDS.includes(kind)) return `kind must be one of ${FAULT_KINDS.join(', ')}`;
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || (count as number) < 1) return 'count must be a positive integer';
    if (input.path !== undefined && (typeof input.path !== 'string' || input.path === '')) return 'path must be a non-empty string';
    const fault: Fault = {
      kind,
      remaining: count as number,
      path: (input.path as string | undefined) ?? (kind === 'timeout' ? NODE_PATH : BROADCAST_PATH),
    };
    if (kind === 'broadcast_error') {
      if (typeof input.code !== 'string' || !/^[A-Z_]+$/.test(input.code)) return 'broadcast_error needs an upper-case "code"';
      fault.code = input.code;
      fault.message = typeof input.message === 'string' ? input.message : input.code.toLowerCase().replace(/_/g, ' ');
    }
    if (kind === 'timeout' || kind === 'accept_then_timeout') {
      const ms = input.ms ?? DEFAULT_TIMEOUT_MS;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return 'ms must be a non-negative number';
      fault.ms = ms;
    }
    this.faults.push(fault);
    return fault;
  }

  /** Consumes one use of the oldest queued fault of `kind` matching `path`. */
  take(kind: FaultKind, path: string): Fault | null {
    const fault = this.faults.find((f) => f.kind === kind && path.includes(f.path));
    if (!fault) return null;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }

  clear(): void {
    this.faults = [];
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }
}
