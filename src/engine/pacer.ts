/**
 * Token-bucket pacing from a monotonic clock. The allowance is computed
 * from elapsed time ("units owed since t0"), never by sleeping per unit, so
 * totals stay exact under timer jitter.
 *
 * @module
 */

/** Longest catch-up burst, in milliseconds of allowance. */
export const MAX_LAG_MS = 2000;

/** Paces units (bytes or connections) at `rate` per second. */
export class Pacer {
  /** Units per second. */
  rate: number;
  /** Reference time (ms): units owed are those accrued since t0. */
  t0: number;

  constructor(rate: number, now: number) {
    this.rate = rate;
    this.t0 = now;
  }

  /** Whole units that may move at `now`. */
  allowance(now: number): number {
    const owed = Math.floor(((now - this.t0) * this.rate) / 1000);
    return owed > 0 ? owed : 0;
  }

  /** Records that `units` moved at `now`; bounds the backlog to MAX_LAG_MS. */
  consume(units: number, now: number): void {
    this.t0 += (units * 1000) / this.rate;
    const maxLag = this.rate <= 1 ? MAX_LAG_MS / this.rate : MAX_LAG_MS;
    if (now - this.t0 > maxLag) this.t0 = now - maxLag;
  }

  /** Drops allowance beyond `units` at `now`: unused allowance is kept only that far. */
  keepAtMost(units: number, now: number): void {
    const earliest = now - (units * 1000) / this.rate;
    if (this.t0 < earliest) this.t0 = earliest;
  }

  /** Milliseconds from `now` until `units` are allowed (0 if already). */
  delayUntil(units: number, now: number): number {
    const due = this.t0 + (units * 1000) / this.rate;
    return due > now ? due - now : 0;
  }

  /** Starts accruing afresh from `now` (after --delay-send). */
  restart(now: number): void {
    this.t0 = now;
  }
}
