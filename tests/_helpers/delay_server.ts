/**
 * A request/response peer for `--closed-loop` tests: answers each request
 * (a line ending in `\n`) with `PONG\n` after `delayMs`, in order (an answer
 * never overtakes an earlier one), and notes how many requests each
 * connection had waiting at most. Per connection, requests numbered (from
 * 1) in `unanswered` get no answer, and those in `slow` wait `slowMs`.
 *
 * @module
 */
import { LoopbackServer } from "./peers.ts";

const ANSWER = new TextEncoder().encode("PONG\n");

/** Options of {@link DelayServer}. */
export interface DelayOptions {
  delayMs: number;
  /** Per-connection request numbers (from 1) that are never answered. */
  unanswered?: number[];
  /** Per-connection request numbers (from 1) answered after `slowMs`. */
  slow?: number[];
  slowMs?: number;
}

/** A server answering every request after a fixed delay. */
export class DelayServer extends LoopbackServer {
  /** Per connection: the most requests waiting for their answer at once. */
  readonly maxWaiting: number[] = [];
  /** Requests received, all connections. */
  requests = 0;
  readonly #options: DelayOptions;

  constructor(options: DelayOptions) {
    super();
    this.#options = options;
  }

  protected async serve(conn: Deno.TcpConn): Promise<void> {
    const index = this.maxWaiting.push(0) - 1;
    const buffer = new Uint8Array(65536);
    const { delayMs, unanswered = [], slow = [], slowMs = 0 } = this.#options;
    let received = 0;
    let waiting = 0;
    let lastDue = 0;
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) return;
      for (let i = 0; i < n; i++) {
        if (buffer[i] !== 0x0a) continue;
        this.requests++;
        if (unanswered.includes(++received)) continue;
        this.maxWaiting[index] = Math.max(this.maxWaiting[index], ++waiting);
        const now = performance.now();
        lastDue = Math.max(lastDue, now + (slow.includes(received) ? slowMs : delayMs));
        setTimeout(() => {
          waiting--;
          conn.write(ANSWER).catch(() => {});
        }, lastDue - now);
      }
    }
  }
}
