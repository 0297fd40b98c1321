/**
 * Smoothed traffic rates for the live line: tcpkali's moving averages of the
 * bytes received and sent, fed with counter deltas on every tick.
 *
 * @module
 */
import { C } from "./counters.ts";
import { MovingAverage } from "./moving_average.ts";

/** Received and sent bit rates from successive counter snapshots. */
export class TrafficRates {
  #in: MovingAverage;
  #out: MovingAverage;
  #received: number;
  #sent: number;

  constructor(counters: Float64Array, nowMs: number) {
    this.#in = new MovingAverage(nowMs);
    this.#out = new MovingAverage(nowMs);
    this.#received = counters[C.bytesReceived];
    this.#sent = counters[C.bytesSent];
  }

  /** Feeds the bytes moved since the previous update. */
  update(counters: Float64Array, nowMs: number): void {
    this.#in.add(nowMs, counters[C.bytesReceived] - this.#received);
    this.#out.add(nowMs, counters[C.bytesSent] - this.#sent);
    this.#received = counters[C.bytesReceived];
    this.#sent = counters[C.bytesSent];
  }

  /** Megabits per second received, as the live line shows it. */
  mbpsIn(nowMs: number): number {
    return (8 * this.#in.perSecond(nowMs)) / 1e6;
  }

  /** Megabits per second sent. */
  mbpsOut(nowMs: number): number {
    return (8 * this.#out.perSecond(nowMs)) / 1e6;
  }
}
