/**
 * StatsD payloads exactly as tcpkali sends them: one batch of
 * `<namespace>.<name>:<value>|<type>\n` lines, split into datagrams of at
 * most 511 bytes. Pure: the caller owns the UDP socket and the timing
 * (a full batch every 0.25 s, an all-zero batch at start and end, and with
 * `--statsd-latency-window` a separate latency-only batch per window).
 *
 * @module
 */
import type { Percentile } from "../plan.ts";
import { formatFixed } from "../shared/format.ts";
import { LATENCY_KINDS, type LatencyHistograms } from "../stats/latency_kinds.ts";

/** Largest datagram payload tcpkali sends (its 512-byte buffer keeps a NUL). */
export const MAX_DATAGRAM_BYTES = 511;

/** Default `--statsd-namespace`. */
export const DEFAULT_NAMESPACE = "tcpkali";

/** One StatsD line before the namespace is applied. */
export interface StatsdMetric {
  /** Name below the namespace, e.g. `traffic.data.rcvd`. */
  readonly name: string;
  /** `c` counter or `g` gauge (tcpkali never sends timers). */
  readonly type: "c" | "g";
  /** The value exactly as printed. */
  readonly value: string;
}

/**
 * The connection and traffic figures of one 0.25 s tick. Counters are
 * deltas since the previous batch; gauges are current values.
 */
export interface TrafficSample {
  /** Connections the main loop initiated since the previous batch. */
  opened: number;
  /** Open incoming connections. */
  connectionsIn: number;
  /** Established outgoing connections. */
  connectionsOut: number;
  /** Received bits/s from the live-display moving average. */
  bitsPerSecondIn: number;
  /** Sent bits/s from the live-display moving average. */
  bitsPerSecondOut: number;
  bytesReceived: number;
  bytesSent: number;
  /** Successful read() calls. */
  reads: number;
  /** Successful write() calls. */
  writes: number;
  /** Marker messages received (0 unless in marker mode). */
  messagesReceived: number;
  /** Marker messages sent (0 unless in marker mode). */
  messagesSent: number;
}

/** All 14 figures at 0: the batch sent at startup and at the end. */
export const ZERO_TRAFFIC: Readonly<TrafficSample> = Object.freeze({
  opened: 0,
  connectionsIn: 0,
  connectionsOut: 0,
  bitsPerSecondIn: 0,
  bitsPerSecondOut: 0,
  bytesReceived: 0,
  bytesSent: 0,
  reads: 0,
  writes: 0,
  messagesReceived: 0,
  messagesSent: 0,
});

const integer = (n: number) => String(Math.trunc(n));

/** The 14 connection and traffic metrics, in tcpkali's order. */
export function trafficMetrics(sample: Readonly<TrafficSample>): StatsdMetric[] {
  const s = sample;
  const metric = (name: string, type: "c" | "g", n: number): StatsdMetric => ({
    name,
    type,
    value: integer(n),
  });
  return [
    metric("connections.opened", "c", s.opened),
    metric("connections.total", "g", s.connectionsIn + s.connectionsOut),
    metric("connections.total.in", "g", s.connectionsIn),
    metric("connections.total.out", "g", s.connectionsOut),
    metric("traffic.bitrate", "g", s.bitsPerSecondIn + s.bitsPerSecondOut),
    metric("traffic.bitrate.in", "g", s.bitsPerSecondIn),
    metric("traffic.bitrate.out", "g", s.bitsPerSecondOut),
    metric("traffic.data", "c", s.bytesReceived + s.bytesSent),
    metric("traffic.data.rcvd", "c", s.bytesReceived),
    metric("traffic.data.sent", "c", s.bytesSent),
    metric("traffic.data.reads", "c", s.reads),
    metric("traffic.data.writes", "c", s.writes),
    metric("traffic.msgs.rcvd", "c", s.messagesReceived),
    metric("traffic.msgs.sent", "c", s.messagesSent),
  ];
}

/**
 * The `latency.<kind>.*` gauges (ms, `%.1f`) of every enabled measurement
 * whose histogram is non-empty: one per percentile label, then min, mean,
 * max. For `--statsd-latency-window`, pass the window's histograms
 * (cumulative minus the previous window's copy).
 */
export function latencyMetrics(
  histograms: LatencyHistograms,
  percentiles: readonly Percentile[],
): StatsdMetric[] {
  const metrics: StatsdMetric[] = [];
  for (const kind of LATENCY_KINDS) {
    const histogram = histograms[kind];
    if (!histogram || histogram.count === 0) continue;
    const gauge = (name: string, ms: number) =>
      metrics.push({ name: `latency.${kind}.${name}`, type: "g", value: formatFixed(ms, 1) });
    for (const p of percentiles) gauge(p.label, histogram.percentileMs(p.value));
    gauge("min", histogram.minMs());
    gauge("mean", histogram.meanMs());
    gauge("max", histogram.maxMs());
  }
  return metrics;
}

/**
 * Renders a batch as datagram payloads: lines are appended while the
 * datagram stays within {@link MAX_DATAGRAM_BYTES}, then a new datagram is
 * started. An empty batch gives no datagrams.
 */
export function encodeStatsdBatch(
  metrics: readonly StatsdMetric[],
  namespace: string = DEFAULT_NAMESPACE,
): Uint8Array[] {
  const encoder = new TextEncoder();
  const datagrams: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const datagram = new Uint8Array(size);
    let at = 0;
    for (const line of pending) {
      datagram.set(line, at);
      at += line.length;
    }
    datagrams.push(datagram);
    pending = [];
    size = 0;
  };
  for (const metric of metrics) {
    const line = encoder.encode(`${namespace}.${metric.name}:${metric.value}|${metric.type}\n`);
    if (size + line.length > MAX_DATAGRAM_BYTES) flush();
    // A line too long for any datagram still goes out, alone.
    pending.push(line);
    size += line.length;
  }
  flush();
  return datagrams;
}
