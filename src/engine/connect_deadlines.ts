/**
 * Connect timeouts for a worker without a timer and an AbortController per
 * connect: connects that start within the same short window share one
 * AbortSignal, and one timer aborts the oldest window once its last connect
 * has had its full timeout. A connect that finished before its window
 * expires is untouched by the abort (the runtime drops its listener when the
 * connect settles).
 *
 * Windows expire in the order they opened (every connect has the same
 * timeout), so they form a FIFO queue: a deadline wheel with one slot per
 * window that saw a connect.
 *
 * @module
 */

/** Longest window, ms: connects time out at most this much late. */
const MAX_WINDOW_MS = 10;

/** The shared connect deadlines of one worker. */
export class ConnectDeadlines {
  readonly #timeoutMs: number;
  readonly #windowMs: number;
  /** Open windows, oldest first: their controllers and abort times. */
  readonly #controllers: AbortController[] = [];
  readonly #deadlines: number[] = [];
  /** Until when the newest window takes connects. */
  #newestEnd = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #fire = () => this.#expire();

  /** `timeoutMs`: how long a connect may take (`--connect-timeout`). */
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    // 1% of the timeout, so a connect gets between 1 and 1.01 timeouts.
    this.#windowMs = Math.min(MAX_WINDOW_MS, timeoutMs / 100);
  }

  /** Windows not yet expired (each holds one AbortController). */
  get pending(): number {
    return this.#deadlines.length;
  }

  /**
   * The signal for a connect that starts at `now` (performance.now() ms):
   * aborted between `timeoutMs` and `timeoutMs` + the window after `now`.
   */
  signalFor(now: number): AbortSignal {
    const last = this.#deadlines.length - 1;
    if (last >= 0 && now < this.#newestEnd) return this.#controllers[last].signal;
    const controller = new AbortController();
    this.#newestEnd = now + this.#windowMs;
    this.#controllers.push(controller);
    this.#deadlines.push(this.#newestEnd + this.#timeoutMs);
    if (last < 0) this.#arm(now);
    return controller.signal;
  }

  /** Aborts every pending connect at once (the run is over). */
  abortAll(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const controllers = this.#controllers.splice(0);
    this.#deadlines.length = 0;
    for (const controller of controllers) controller.abort();
  }

  #arm(now: number): void {
    const wait = this.#deadlines[0] - now;
    this.#timer = setTimeout(this.#fire, wait > 0 ? wait : 0);
  }

  #expire(): void {
    this.#timer = undefined;
    const now = performance.now();
    while (this.#deadlines.length > 0 && this.#deadlines[0] <= now) {
      this.#deadlines.shift();
      this.#controllers.shift()!.abort();
    }
    if (this.#deadlines.length > 0) this.#arm(now);
  }
}
