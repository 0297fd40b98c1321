/**
 * `-r @<Latency>`: the search for the highest per-connection message rate
 * whose 95th-percentile message latency stays under a target, as tcpkali's
 * rate modulator does it: every second it reads
 * the latency at the current rate; every ten seconds it quadruples the rate
 * (ramp-up) or halves the bracket around the best rate (binary search),
 * with a budget of 15 binary steps.
 *
 * Pure state: the caller supplies the clock and the latency reading, and
 * applies the rates it returns.
 *
 * @module
 */

/** What a tick of the search asks for. */
export type SearchStep =
  | { kind: "ongoing" }
  /** Switch every connection to `rate` msg/s, the best lying in `min..max`. */
  | { kind: "attempt"; rate: number; min: number; max: number }
  | { kind: "succeeded"; rate: number }
  | { kind: "failed" };

const SHORT_MS = 1000;
const LONG_MS = 10000;
const BINARY_STEPS = 15;

/** The search controller. */
export class RateSearch {
  /** The rate being tried, msg/s per connection. */
  rate: number;
  readonly #targetMs: number;
  #state: "ramp-up" | "binary-search" = "ramp-up";
  #lastShort: number;
  #lastLong: number;
  #min = 0;
  #max = 0;
  #steps = BINARY_STEPS;
  #previous = 0;
  #exceeded = 0;

  /** Starts at `initialRate` (tcpkali: 100) at time `now` (ms). */
  constructor(targetMs: number, initialRate: number, now: number) {
    this.#targetMs = targetMs;
    this.rate = initialRate;
    this.#lastShort = now;
    this.#lastLong = now;
  }

  /**
   * One main-loop tick at `now` (ms). `p95Ms` reads the 95th percentile of
   * the message latency measured since the rate last changed.
   */
  tick(now: number, p95Ms: () => number): SearchStep {
    if (now - this.#lastShort < SHORT_MS) return { kind: "ongoing" };
    this.#lastShort = now;
    const lat = p95Ms();
    const target = this.#targetMs;
    if (now - this.#lastLong >= LONG_MS) {
      this.#lastLong = now;
      this.#previous = lat;
      this.#exceeded = 0;
      if (this.#state === "ramp-up") {
        if (lat < 1.5 * target) {
          if (lat < 0.95 * target) {
            this.#min = this.rate;
            this.#max = Infinity;
          }
          this.rate *= 4;
        } else {
          this.#state = "binary-search";
          this.#max = this.rate;
        }
      }
      if (this.#state === "binary-search") {
        if (this.#steps-- <= 0) return { kind: "failed" };
        if (lat < 0.98 * target) this.#min = this.rate;
        else if (lat > 1.01 * target) this.#max = this.rate;
        else return { kind: "succeeded", rate: this.rate };
        if (this.#max > 0 && 0.001 > (this.#max - this.#min) / 2 / this.#min) {
          return lat <= target ? { kind: "succeeded", rate: this.rate } : { kind: "failed" };
        }
        this.rate = (this.#max + this.#min) / 2;
      }
      return { kind: "attempt", rate: this.rate, min: this.#min, max: this.#max };
    }
    if (this.#state === "ramp-up") {
      if (lat > 2 * target) {
        // Rising latency counts; fluctuating latency disables the shortcut for good.
        if (lat > this.#previous) this.#exceeded++;
        else this.#exceeded = -1000;
      }
      this.#previous = lat;
      if (this.#exceeded > 3) {
        this.#state = "binary-search";
        this.#max = this.rate;
      }
    }
    return { kind: "ongoing" };
  }
}
