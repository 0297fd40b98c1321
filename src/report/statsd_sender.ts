/**
 * Sends tcpkali's StatsD batches over UDP: all zeros at startup, the full
 * batch every 0.25 s (latency gauges cumulative, or, with
 * `--statsd-latency-window`, in their own batch per window computed from
 * the window's samples only), and the 14 traffic metrics at 0 at the end.
 * Works with no daemon listening (UDP errors are ignored).
 *
 * Datagrams leave in the order they were made, as tcpkali's did: Deno's
 * `node:dgram` sends asynchronously, and several sends issued at once can
 * reach the daemon out of order, so one send is in flight at a time and the
 * next is issued from its callback. The waiting datagrams are bounded
 * ({@link MAX_QUEUED_DATAGRAMS}): if the socket stalls, the oldest are
 * dropped, and a socket that fails only drops datagrams, never the run.
 *
 * `Deno.listenDatagram` still needs `--unstable-net` in Deno 2.9, so the
 * socket is `node:dgram`'s.
 *
 * @module
 */
import dgram from "node:dgram";
import { type Percentile, type StatsdPlan } from "../plan.ts";
import { C } from "../stats/counters.ts";
import type { LatencyHistogram } from "../stats/histogram.ts";
import { MovingAverage } from "../stats/moving_average.ts";
import { LATENCY_KINDS, type LatencyHistograms } from "../stats/latency_kinds.ts";
import {
  encodeStatsdBatch,
  latencyMetrics,
  type StatsdMetric,
  trafficMetrics,
  type TrafficSample,
  ZERO_TRAFFIC,
} from "./statsd.ts";

/** Datagrams waiting behind the one in flight; past this the oldest are dropped. */
export const MAX_QUEUED_DATAGRAMS = 1024;

/** How long {@link StatsdSender.close} waits for queued datagrams to leave. */
const CLOSE_WAIT_MS = 500;

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
  /** Datagrams waiting for the one in flight to leave, oldest first. */
  #queue: Uint8Array[] = [];
  #inFlight = false;
  /** Called once nothing is queued or in flight (set while closing). */
  #idle: (() => void) | null = null;
  #closing: Promise<void> | null = null;
  /** Datagrams handed to the socket (for tests and the JSON result). */
  datagrams = 0;
  /** Datagrams dropped: queue full behind a stalled socket, or the socket refused them. */
  dropped = 0;

  constructor(plan: StatsdPlan, options: StatsdSenderOptions) {
    this.#plan = plan;
    this.#options = options;
    this.#socket = dgram.createSocket("udp4");
    this.#socket.on("error", () => {/* no daemon, ICMP errors: ignored as tcpkali does */});
    this.#socket.unref?.();
  }

  /** Sends a batch of metrics (split into ≤ 511-byte datagrams), in order. */
  send(metrics: readonly StatsdMetric[]): void {
    if (this.#closing) return;
    for (const datagram of encodeStatsdBatch(metrics, this.#plan.namespace)) {
      if (this.#queue.length >= MAX_QUEUED_DATAGRAMS) {
        this.#queue.shift();
        this.dropped++;
      }
      this.#queue.push(datagram);
    }
    if (!this.#inFlight) this.#sendNext();
  }

  /**
   * Hands the oldest queued datagram to the socket, with this method as the
   * send's callback, so that the next one goes only once it has left.
   */
  #sendNext = (): void => {
    this.#inFlight = false;
    while (this.#queue.length > 0) {
      const datagram = this.#queue.shift()!;
      this.#inFlight = true;
      try {
        this.#socket.send(datagram, this.#plan.port, this.#plan.address, this.#sendNext);
        this.datagrams++;
        return;
      } catch {
        // The socket refused it (closed, or failing): dropped, as UDP would.
        this.#inFlight = false;
        this.dropped++;
      }
    }
    this.#idle?.();
  };

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

  /**
   * Closes the socket once queued datagrams are out (waiting at most
   * {@link CLOSE_WAIT_MS} for a stalled socket); idempotent, and later
   * batches are not sent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#inFlight) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
        timer = setTimeout(resolve, CLOSE_WAIT_MS);
      });
      clearTimeout(timer);
    }
    this.dropped += this.#queue.length;
    this.#queue.length = 0;
    await new Promise<void>((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
