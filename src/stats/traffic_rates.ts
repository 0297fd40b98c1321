/**
 * Smoothed rates for the live line: tcpkali's moving averages of a pair of
 * counters (bytes or messages, received and sent), fed with counter deltas
 * on every tick.
 *
 * @module
 */
import { C } from "./counters.ts";
import { MovingAverage } from "./moving_average.ts";

/** Which counters a {@linkcode TrafficRates} follows. */
export interface CounterPair {
  in: number;
  out: number;
}

/** Bytes received and sent. */
export const BYTES: CounterPair = { in: C.bytesReceived, out: C.bytesSent };
/** Messages received and sent. */
export const MESSAGES: CounterPair = { in: C.messagesReceived, out: C.messagesSent };

/** Received and sent rates from successive counter snapshots. */
export class TrafficRates {
  readonly #pair: CounterPair;
  #in: MovingAverage;
  #out: MovingAverage;
  #received: number;
  #sent: number;

  constructor(counters: Float64Array, nowMs: number, pair: CounterPair = BYTES) {
    this.#pair = pair;
    this.#in = new MovingAverage(nowMs);
    this.#out = new MovingAverage(nowMs);
    this.#received = counters[pair.in];
    this.#sent = counters[pair.out];
  }

  /** Feeds what moved since the previous update. */
  update(counters: Float64Array, nowMs: number): void {
    const received = counters[this.#pair.in], sent = counters[this.#pair.out];
    this.#in.add(nowMs, Math.max(0, received - this.#received));
    this.#out.add(nowMs, Math.max(0, sent - this.#sent));
    this.#received = received;
    this.#sent = sent;
  }

  /** Units per second received. */
  inPerSecond(nowMs: number): number {
    return this.#in.perSecond(nowMs);
  }

  /** Units per second sent. */
  outPerSecond(nowMs: number): number {
    return this.#out.perSecond(nowMs);
  }

  /** Megabits per second received, as the live line shows it (byte pairs). */
  mbpsIn(nowMs: number): number {
    return (8 * this.#in.perSecond(nowMs)) / 1e6;
  }

  /** Megabits per second sent. */
  mbpsOut(nowMs: number): number {
    return (8 * this.#out.perSecond(nowMs)) / 1e6;
  }
}
