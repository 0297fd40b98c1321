/**
 * tcpkali's exponential moving average of an event rate (bytes or messages
 * per second), as used by the live line and the StatsD bitrate gauges.
 *
 * Events are added as counts at a time. They accumulate into bins of
 * `binSeconds` (1/8 s); when a bin closes, its rate (events ÷ bin length) is
 * folded into an exponential average with weight w = bin / smoothing window
 * (1/24): `avg = rate × w + avg × (1 − w)`, the first bin initialising it.
 * Events that span past the end of a bin are split between bins in
 * proportion to time (a constant arrival rate since the previous update).
 * If more than the smoothing window passes without a bin closing, the
 * average restarts from the latest count. Reading decays the average by
 * (1 − w) per bin elapsed since the last update, and gives 0 once that update
 * is older than the smoothing window.
 *
 * Times are passed in explicitly, in milliseconds (`performance.now()`), so
 * the arithmetic is testable with a fake clock.
 *
 * @module
 */

/** Options for {@link MovingAverage}. */
export interface MovingAverageOptions {
  /** Aggregation bin length, seconds (default 1/8). */
  binSeconds?: number;
  /** Smoothing window, seconds (default 3). */
  windowSeconds?: number;
}

/** An exponentially smoothed events-per-second rate. */
export class MovingAverage {
  readonly #bin: number;
  readonly #weight: number;
  /** Events in the open bin. */
  #pending = 0;
  /** When the open bin closes, seconds. */
  #binEnd: number;
  /** Time of the last update, seconds. */
  #updated: number;
  /** Smoothed rate per second; NaN until the first bin closes. */
  #average = NaN;

  /** Starts an empty average whose first bin opens at `startMs`. */
  constructor(startMs: number, options: MovingAverageOptions = {}) {
    const bin = options.binSeconds ?? 1 / 8;
    const window = options.windowSeconds ?? 3;
    if (!(bin > 0 && bin <= window)) throw new RangeError("need 0 < bin <= window");
    this.#bin = bin;
    this.#weight = bin / window;
    const start = startMs / 1000;
    this.#binEnd = start + bin;
    this.#updated = start;
  }

  /** The smoothing window, seconds. */
  get #window(): number {
    return this.#bin / this.#weight;
  }

  /** Adds `events` (≥ 0) counted up to `nowMs`. */
  add(nowMs: number, events: number): void {
    const now = nowMs / 1000;
    if (!(events >= 0)) throw new RangeError(`bad event count ${events}`);
    let remaining = events;
    for (;;) {
      // Nothing to account: time alone does not move the update mark.
      if (remaining === 0 && this.#pending === 0) return;
      if (this.#binEnd > now) {
        this.#pending += remaining;
        this.#updated = now;
        return;
      }
      if (this.#binEnd + this.#window < now) {
        this.#binEnd = now + this.#bin;
        this.#updated = now;
        this.#pending = 0;
        this.#average = remaining / this.#bin;
        return;
      }
      // The share of `remaining` that arrived before the bin closed.
      const span = now - this.#updated;
      const early = span > 0 ? (remaining * (this.#binEnd - this.#updated)) / span : 0;
      this.#fold((this.#pending + early) / this.#bin);
      this.#updated = this.#binEnd;
      this.#binEnd += this.#bin;
      this.#pending = 0;
      remaining -= early;
    }
  }

  /** The smoothed rate, events per second, as seen at `nowMs`. */
  perSecond(nowMs: number): number {
    const elapsed = nowMs / 1000 - this.#updated;
    if (elapsed > this.#window || !Number.isFinite(this.#average)) return 0;
    return this.#average * Math.pow(1 - this.#weight, elapsed / this.#bin);
  }

  #fold(rate: number): void {
    this.#average = Number.isFinite(this.#average)
      ? this.#weight * rate + (1 - this.#weight) * this.#average
      : rate;
  }
}
