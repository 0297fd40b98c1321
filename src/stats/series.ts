/**
 * The per-second series of a run: one point a second from the moment the
 * workers are told to start, each with that second's traffic and the
 * latency samples merged during it (whole histograms, so that series of
 * several runs add up exactly), and a last point for the rest of the run.
 *
 * @module
 */
import type { Percentile } from "../plan.ts";
import { C } from "./counters.ts";
import type { LatencyHistogram } from "./histogram.ts";
import { type MeasuredHistograms, type MeasuredKind } from "./latency_kinds.ts";

/** The phase a point was taken in. */
export type Phase = "ramp-up" | "steady";

/** The latency samples of one point's interval, of one kind. */
export interface IntervalLatency {
  /** Samples in the interval. */
  count: number;
  /** The report's percentiles of these samples (ms, as tcpkali prints them), by label. */
  percentiles: Record<string, number>;
  /** The largest sample (ms, as tcpkali prints it). */
  maxMs: number;
  /** The exact smallest and largest samples, µs. */
  minMicros: number;
  maxMicros: number;
  /** The samples: HdrHistogram V2 compressed, base64, values in µs. */
  histogram: string;
}

/** Latency of one interval by measured kind; a kind without samples is absent. */
export type PointLatency = Partial<Record<MeasuredKind, IntervalLatency>>;

/** One per-second sample. Byte and message figures are for its interval only. */
export interface SeriesPoint {
  /** Seconds since the workers were started, at the end of this point. */
  t: number;
  /** The end of this point as Unix time, seconds (millisecond resolution). */
  unixTime: number;
  /** Seconds this point covers: about 1, the last point of a run what was left. */
  seconds: number;
  phase: Phase;
  connectionsIn: number;
  connectionsOut: number;
  connecting: number;
  bytesSent: number;
  bytesReceived: number;
  /** Marker messages (marker mode only, 0 otherwise). */
  messagesSent: number;
  messagesReceived: number;
  /** Repeated messages whose first byte was written, every mode. */
  messagesWritten: number;
  /** Latency samples merged during the interval; absent when no latency is measured. */
  latency?: PointLatency;
}

/** Where a series' latency comes from: the samples merged since the last take. */
export interface SeriesLatency {
  /** The histograms of the samples merged since the previous call; the source starts afresh. */
  takeInterval(): MeasuredHistograms;
  /** The report's percentiles, computed for every interval. */
  percentiles: readonly Percentile[];
}

/** The record of one interval histogram. */
export function intervalLatency(
  histogram: LatencyHistogram,
  percentiles: readonly Percentile[],
): IntervalLatency {
  return {
    count: histogram.count,
    percentiles: Object.fromEntries(
      percentiles.map((q) => [q.label, histogram.percentileMs(q.value)]),
    ),
    maxMs: histogram.maxMs(),
    minMicros: histogram.minMicros(),
    maxMicros: histogram.maxMicros(),
    histogram: histogram.toBase64(),
  };
}

/** The interval records of the kinds that have samples. */
export function pointLatency(
  histograms: MeasuredHistograms,
  percentiles: readonly Percentile[],
): PointLatency {
  const latency: PointLatency = {};
  for (const [kind, histogram] of Object.entries(histograms)) {
    if (histogram.count > 0) {
      latency[kind as MeasuredKind] = intervalLatency(histogram, percentiles);
    }
  }
  return latency;
}

/** Collects per-second points; fed often (every 0.25 s) with the merged counters. */
export class SeriesRecorder {
  readonly points: SeriesPoint[] = [];
  readonly #latency: SeriesLatency | null;
  readonly #onPoint: (point: SeriesPoint) => void;
  #startMs = 0;
  #startUnixMs = 0;
  #nextMs = 0;
  #lastMs = 0;
  #previous: Float64Array | null = null;
  #phase: Phase = "ramp-up";

  /** `onPoint` hears of each point as it is recorded. */
  constructor(latency: SeriesLatency | null, onPoint: (point: SeriesPoint) => void = () => {}) {
    this.#latency = latency;
    this.#onPoint = onPoint;
  }

  /** Starts the clock (when the workers are told to start); `unixMs`: the same instant. */
  start(counters: Float64Array, nowMs: number, unixMs: number): void {
    this.#startMs = this.#lastMs = nowMs;
    this.#startUnixMs = unixMs;
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
    this.#record(counters, nowMs);
  }

  /** Records the last point: what happened since the previous one, however short. */
  finish(counters: Float64Array, nowMs: number): void {
    if (this.#previous === null) return;
    this.#record(counters, Math.max(nowMs, this.#lastMs));
    this.#previous = null;
  }

  #record(counters: Float64Array, nowMs: number): void {
    const p = this.#previous!;
    const point: SeriesPoint = {
      t: Math.round(nowMs - this.#startMs) / 1000,
      unixTime: Math.round(this.#startUnixMs + nowMs - this.#startMs) / 1000,
      seconds: Math.round(nowMs - this.#lastMs) / 1000,
      phase: this.#phase,
      connectionsIn: counters[C.openIn],
      connectionsOut: counters[C.openOut],
      connecting: counters[C.connecting],
      bytesSent: counters[C.bytesSent] - p[C.bytesSent],
      bytesReceived: counters[C.bytesReceived] - p[C.bytesReceived],
      messagesSent: counters[C.messagesSent] - p[C.messagesSent],
      messagesReceived: counters[C.messagesReceived] - p[C.messagesReceived],
      messagesWritten: counters[C.messagesWritten] - p[C.messagesWritten],
    };
    const latency = this.#latency;
    if (latency) point.latency = pointLatency(latency.takeInterval(), latency.percentiles);
    this.points.push(point);
    this.#previous = counters.slice();
    this.#lastMs = nowMs;
    this.#onPoint(point);
  }
}
