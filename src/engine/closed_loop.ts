/**
 * `--closed-loop`: a connection sends a message only while fewer than
 * `--in-flight` of its messages await their `--latency-marker` answer, as
 * redis-benchmark, wrk and memtier do. An answer frees a slot and wakes the
 * connection; a message unanswered after `--response-timeout` is counted as
 * a timeout and frees its slot too (its late answer, when it comes, is
 * skipped: answers arrive in order), or closes the connection with
 * `--response-timeout-close` (the engine re-opens it).
 *
 * @module
 */
import { C } from "../stats/counters.ts";
import type { Connection, SendWindow } from "./connection.ts";
import type { SendTimeFifo } from "./latency_fifo.ts";
import { EARLY_WAKE_MS, type Scheduler, type Wakeable } from "./scheduler.ts";

/** What a window needs besides its connection's send-time FIFO. */
export interface ClosedLoopOptions {
  /** Messages that may await their answer at once. */
  inFlight: number;
  responseTimeoutMs: number;
  closeOnTimeout: boolean;
  /** The worker's scheduler: one wake-up per connection with messages out. */
  scheduler: Scheduler;
  /** The worker's counters (`responseTimeouts`). */
  counters: Float64Array;
}

/** Progress through the repeated message being sent. */
interface MessageProgress {
  readonly size: number;
  /** Bytes of the current message already sent (0: none). */
  readonly into: number;
}

/** One connection's room for messages awaiting answers, and their timeouts. */
export class ResponseWindow implements SendWindow, Wakeable {
  /** Answers still to come for messages that timed out: skipped when they arrive. */
  late = 0;
  readonly #fifo: SendTimeFifo;
  readonly #messages: MessageProgress;
  readonly #options: ClosedLoopOptions;
  #connection: Connection | null = null;
  /** A timeout check is scheduled. */
  #armed = false;

  constructor(fifo: SendTimeFifo, messages: MessageProgress, options: ClosedLoopOptions) {
    this.#fifo = fifo;
    this.#messages = messages;
    this.#options = options;
  }

  /** The rest of a message begun, plus whole messages for the free slots. */
  bytesAllowed(): number {
    const { size, into } = this.#messages;
    const free = this.#options.inFlight - this.#fifo.length;
    return (into > 0 ? size - into : 0) + (free > 0 ? free * size : 0);
  }

  /** Messages went out (already in the FIFO): watch the oldest for its timeout. */
  sent(connection: Connection): void {
    this.#connection = connection;
    if (!this.#armed && this.#fifo.length > 0) this.#arm();
  }

  /** Answers arrived and freed slots: the connection may send again. */
  answered(connection: Connection, now: number): void {
    connection.wake(now);
  }

  /** Scheduler callback: gives up on the messages whose answer is overdue. */
  wake(now: number): void {
    this.#armed = false;
    const connection = this.#connection;
    if (connection === null || !connection.open) return;
    const fifo = this.#fifo;
    const { responseTimeoutMs, counters } = this.#options;
    // Due within the scheduler's early margin counts as due, or it would spin.
    const cutoff = now + EARLY_WAKE_MS - responseTimeoutMs;
    let expired = 0;
    while (fifo.length > 0 && fifo.peekSent() <= cutoff) {
      fifo.shift();
      expired++;
    }
    if (expired > 0) {
      this.late += expired;
      counters[C.responseTimeouts] += expired;
      if (this.#options.closeOnTimeout) return connection.close("timeout");
      connection.wake(now);
    }
    if (!this.#armed && fifo.length > 0) this.#arm();
  }

  #arm(): void {
    this.#armed = true;
    this.#options.scheduler.schedule(this, this.#fifo.peekSent() + this.#options.responseTimeoutMs);
  }
}
