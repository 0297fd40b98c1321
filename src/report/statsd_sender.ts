/**
 * Sends tcpkali's StatsD batches over UDP: all zeros at startup, the full
 * batch every 0.25 s (latency gauges cumulative, or, with
 * `--statsd-latency-window`, in their own batch per window computed from
 * the window's samples only), and the 14 traffic metrics at 0 at the end.
 * Works with no daemon listening (UDP errors are ignored).
 *
 * `Deno.listenDatagram` still needs `--unstable-net` in Deno 2.9, so the
 * socket is `node:dgram`'s.
 *
 * @module
 */
import dgram from "node:dgram";
import type { Percentile } from "../cli/percentiles.ts";
import type { StatsdPlan } from "../plan.ts";
import { C } from "../stats/counters.ts";
import type { LatencyHistogram } from "../stats/histogram.ts";
import { MovingAverage } from "../stats/moving_average.ts";
import { LATENCY_KINDS, type LatencyHistograms } from "./latency_lines.ts";
import {
  encodeStatsdBatch,
  latencyMetrics,
  type StatsdMetric,
  trafficMetrics,
  type TrafficSample,
  ZERO_TRAFFIC,
} from "./statsd.ts";

/** Latency figures available to the sender. */
export interface LatencySource {
  /** The run's cumulative histograms (merged over workers). */
  histograms(): LatencyHistograms;
  /** Percentiles to send (tcpkali's default: 95, 99, 99.5). */
  percentiles: readonly Percentile[];
}

/** Options for {@link StatsdSender}. */
export interface StatsdSenderOptions {
  /** --statsd-latency-window in ms; null: cumulative gauges in every batch. */
  latencyWindowMs: number | null;
  /** Where latency figures come from; null while latency is not measured. */
  latency?: LatencySource | null;
}

/** One run's StatsD output. */
export class StatsdSender {
  readonly #plan: StatsdPlan;
  readonly #options: StatsdSenderOptions;
  readonly #socket: dgram.Socket;
  #previous: Float64Array | null = null;
  #bitsIn: MovingAverage | null = null;
  #bitsOut: MovingAverage | null = null;
  #windowStart = 0;
  #windowBase: Map<string, LatencyHistogram> = new Map();
  #closed = false;
  /** Datagrams handed to the socket (for tests and the JSON result). */
  datagrams = 0;

  constructor(plan: StatsdPlan, options: StatsdSenderOptions) {
    this.#plan = plan;
    this.#options = options;
    this.#socket = dgram.createSocket("udp4");
    this.#socket.on("error", () => {/* no daemon, ICMP errors: ignored as tcpkali does */});
    this.#socket.unref?.();
  }

  /** Sends a batch of metrics (split into ≤ 511-byte datagrams). */
  send(metrics: readonly StatsdMetric[]): void {
    if (this.#closed) return;
    for (const datagram of encodeStatsdBatch(metrics, this.#plan.namespace)) {
      this.datagrams++;
      this.#socket.send(datagram, this.#plan.port, this.#plan.address);
    }
  }

  /** The startup batch: the 14 traffic metrics at 0. */
  start(counters: Float64Array, nowMs: number): void {
    this.#previous = counters.slice();
    this.#bitsIn = new MovingAverage(nowMs);
    this.#bitsOut = new MovingAverage(nowMs);
    this.#windowStart = nowMs;
    this.send(trafficMetrics(ZERO_TRAFFIC));
  }

  /** A 0.25 s tick: traffic since the previous tick, and latency. */
  tick(counters: Float64Array, nowMs: number): void {
    const previous = this.#previous ?? counters;
    const delta = (i: number) => counters[i] - previous[i];
    const received = delta(C.bytesReceived);
    const sent = delta(C.bytesSent);
    this.#bitsIn?.add(nowMs, received);
    this.#bitsOut?.add(nowMs, sent);
    const sample: TrafficSample = {
      opened: delta(C.initiated),
      connectionsIn: counters[C.openIn],
      connectionsOut: counters[C.openOut],
      bitsPerSecondIn: Math.trunc(8 * (this.#bitsIn?.perSecond(nowMs) ?? 0)),
      bitsPerSecondOut: Math.trunc(8 * (this.#bitsOut?.perSecond(nowMs) ?? 0)),
      bytesReceived: received,
      bytesSent: sent,
      reads: delta(C.reads),
      writes: delta(C.writes),
      messagesReceived: delta(C.messagesReceived),
      messagesSent: delta(C.messagesSent),
    };
    this.#previous = counters.slice();
    const metrics = trafficMetrics(sample);
    const latency = this.#options.latency;
    const window = this.#options.latencyWindowMs;
    if (latency && window === null) {
      metrics.push(...latencyMetrics(latency.histograms(), latency.percentiles));
    }
    this.send(metrics);
    if (latency && window !== null && nowMs - this.#windowStart >= window) {
      this.#windowStart = nowMs;
      this.send(latencyMetrics(this.#windowHistograms(latency), latency.percentiles));
    }
  }

  /** Each histogram minus its copy at the previous window. */
  #windowHistograms(latency: LatencySource): LatencyHistograms {
    const cumulative = latency.histograms();
    const window: LatencyHistograms = {};
    for (const kind of LATENCY_KINDS) {
      const histogram = cumulative[kind];
      if (!histogram) continue;
      const part = histogram.copy();
      const base = this.#windowBase.get(kind);
      if (base) part.subtract(base);
      this.#windowBase.set(kind, histogram.copy());
      window[kind] = part;
    }
    return window;
  }

  /** The end batch: the 14 traffic metrics at 0 (latency is not zeroed). */
  finish(): void {
    this.send(trafficMetrics(ZERO_TRAFFIC));
  }

  /** Closes the socket once queued datagrams are out; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // node:dgram sends asynchronously; closing at once could drop the last batch.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise<void>((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
