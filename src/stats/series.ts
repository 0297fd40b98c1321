/**
 * The per-second series of a run: one point a second from the moment the
 * workers are told to start, each with that second's traffic and the
 * cumulative latency percentiles at its end.
 *
 * @module
 */
import type { Percentile } from "../plan.ts";
import { C } from "./counters.ts";
import { LATENCY_KINDS, type LatencyHistograms } from "./latency_kinds.ts";

/** The phase a point was taken in. */
export type Phase = "ramp-up" | "steady";

/** One per-second sample. Byte and message figures are for that second only. */
export interface SeriesPoint {
  /** Seconds since the workers were started (end of this sample). */
  t: number;
  phase: Phase;
  connectionsIn: number;
  connectionsOut: number;
  connecting: number;
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  /** Cumulative latency percentiles (ms) per measured kind, at this time. */
  latency?: Record<string, Record<string, number>>;
}

/** Where a series' latency comes from: the merged histograms and the report's percentiles. */
export interface SeriesLatency {
  histograms(): LatencyHistograms;
  percentiles: readonly Percentile[];
}

/** Collects per-second points; fed often (every 0.25 s) with the merged counters. */
export class SeriesRecorder {
  readonly points: SeriesPoint[] = [];
  readonly #latency: SeriesLatency | null;
  #startMs = 0;
  #nextMs = 0;
  #previous: Float64Array | null = null;
  #phase: Phase = "ramp-up";

  constructor(latency: SeriesLatency | null) {
    this.#latency = latency;
  }

  /** Starts the clock (when the workers are told to start). */
  start(counters: Float64Array, nowMs: number): void {
    this.#startMs = nowMs;
    this.#nextMs = nowMs + 1000;
    this.#previous = counters.slice();
  }

  /** Marks the start of the steady phase. */
  steady(): void {
    this.#phase = "steady";
  }

  /** Records a point when a second has passed since the last one. */
  tick(counters: Float64Array, nowMs: number): void {
    if (this.#previous === null || nowMs < this.#nextMs) return;
    this.#nextMs += 1000 * Math.max(1, Math.floor((nowMs - this.#nextMs) / 1000) + 1);
    const p = this.#previous;
    const point: SeriesPoint = {
      t: Math.round(nowMs - this.#startMs) / 1000,
      phase: this.#phase,
      connectionsIn: counters[C.openIn],
      connectionsOut: counters[C.openOut],
      connecting: counters[C.connecting],
      bytesSent: counters[C.bytesSent] - p[C.bytesSent],
      bytesReceived: counters[C.bytesReceived] - p[C.bytesReceived],
      messagesSent: counters[C.messagesSent] - p[C.messagesSent],
      messagesReceived: counters[C.messagesReceived] - p[C.messagesReceived],
    };
    if (this.#latency) point.latency = this.#latencyPoint(this.#latency);
    this.points.push(point);
    this.#previous = counters.slice();
  }

  #latencyPoint(source: SeriesLatency): Record<string, Record<string, number>> {
    const latency: Record<string, Record<string, number>> = {};
    const histograms = source.histograms();
    for (const kind of LATENCY_KINDS) {
      const h = histograms[kind];
      if (!h || h.count === 0) continue;
      latency[kind] = Object.fromEntries(
        source.percentiles.map((q) => [q.label, h.percentileMs(q.value)]),
      );
    }
    return latency;
  }
}
