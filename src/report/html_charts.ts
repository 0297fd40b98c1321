/**
 * The charts of the HTML report, as data: per-second bandwidth, message
 * rate and connections, per-second latency percentiles of each kind, and
 * each kind's latency distribution as a percentile curve on a log scale
 * (HdrHistogram's plotter: x = 1 / (1 − p), so 90%, 99%, 99.9% are evenly
 * spaced), and with `--stage` the message latency against the rate, one
 * point per stage. Everything is computed here; the page only draws.
 *
 * @module
 */
import { C } from "../stats/counters.ts";
import type { LatencyHistogram } from "../stats/histogram.ts";
import { MEASURED_KINDS, type MeasuredKind } from "../stats/latency_kinds.ts";
import type { RunResult } from "../stats/result.ts";
import type { SeriesPoint } from "../stats/series.ts";

/** One chart: x values, then one array per series (null: no value). */
export interface ChartSpec {
  id: string;
  title: string;
  /**
   * `time`: Unix seconds; `percentile`: 1 / (1 − p) on a log scale;
   * `rate`: messages sent per second, one point per stage.
   */
  x: "time" | "percentile" | "rate";
  yLabel: string;
  series: string[];
  data: (number | null)[][];
}

/** The titles of the latency kinds. */
export const KIND_TITLES: Record<MeasuredKind, string> = {
  connect: "TCP connect latency",
  firstbyte: "First byte latency",
  message: "Message latency",
  corrected: "Corrected message latency",
};

function perSecond(points: SeriesPoint[], value: (p: SeriesPoint) => number): (number | null)[] {
  return points.map((p) => (p.seconds > 0 ? value(p) / p.seconds : null));
}

function trafficCharts(points: SeriesPoint[], markerMode: boolean): ChartSpec[] {
  if (points.length === 0) return [];
  const x = points.map((p) => p.unixTime);
  const mbps = (bytes: number) => (8 * bytes) / 1e6;
  return [
    {
      id: "bandwidth",
      title: "Bandwidth per second",
      x: "time",
      yLabel: "Mbps",
      series: ["received ↓", "sent ↑"],
      data: [
        x,
        perSecond(points, (p) => mbps(p.bytesReceived)),
        perSecond(points, (p) => mbps(p.bytesSent)),
      ],
    },
    // Received messages are counted in marker mode only (tcpkali's count).
    markerMode
      ? {
        id: "messages",
        title: "Message rate per second",
        x: "time",
        yLabel: "messages/s",
        series: ["received ↓", "sent ↑"],
        data: [
          x,
          perSecond(points, (p) => p.messagesReceived),
          perSecond(points, (p) => p.messagesWritten),
        ],
      }
      : {
        id: "messages",
        title: "Messages sent per second",
        x: "time",
        yLabel: "messages/s",
        series: ["sent ↑"],
        data: [x, perSecond(points, (p) => p.messagesWritten)],
      },
    {
      id: "connections",
      title: "Connections",
      x: "time",
      yLabel: "connections",
      series: ["open in", "open out", "connecting"],
      data: [
        x,
        points.map((p) => p.connectionsIn),
        points.map((p) => p.connectionsOut),
        points.map((p) => p.connecting),
      ],
    },
  ];
}

/** Per-second percentiles (and max) of one kind's interval samples. */
function latencySeriesChart(result: RunResult, kind: MeasuredKind): ChartSpec | null {
  const points = result.series;
  if (!points.some((p) => p.latency?.[kind])) return null;
  const labels = result.percentiles.map((q) => q.label);
  return {
    id: `latency-${kind}`,
    title: `${KIND_TITLES[kind]} per second`,
    x: "time",
    yLabel: "ms",
    series: [...labels.map((label) => `p${label}`), "max"],
    data: [
      points.map((p) => p.unixTime),
      ...labels.map((label) => points.map((p) => p.latency?.[kind]?.percentiles[label] ?? null)),
      points.map((p) => p.latency?.[kind]?.maxMs ?? null),
    ],
  };
}

/**
 * HdrHistogram's percentile steps: five per halving of the distance to
 * 100%, until the step is finer than one sample; then the maximum.
 */
export function percentileCurve(h: LatencyHistogram): { x: number[]; ms: number[] } {
  const x: number[] = [];
  const ms: number[] = [];
  for (let i = 0;; i++) {
    const remaining = 0.5 ** (i / 5);
    x.push(1 / remaining);
    ms.push(h.percentileMicros(100 * (1 - remaining)) / 1000);
    if (1 / remaining >= h.count) break;
  }
  x.push(x.at(-1)! * 2 ** 0.2);
  ms.push(h.maxMicros() / 1000);
  return { x, ms };
}

function distributionChart(result: RunResult, kind: MeasuredKind): ChartSpec | null {
  const h = result.histograms[kind];
  if (!h || h.count === 0) return null;
  const curve = percentileCurve(h);
  return {
    id: `distribution-${kind}`,
    title: `${KIND_TITLES[kind]} by percentile (${h.count} samples)`,
    x: "percentile",
    yLabel: "ms",
    series: [KIND_TITLES[kind]],
    data: [curve.x, curve.ms],
  };
}

/**
 * Latency against rate (`--stage`): each stage that measured latency is a
 * point at the messages its connections sent per second, with its
 * percentiles and maximum; stages of constant rate make the curve.
 */
export function stageChart(result: RunResult): ChartSpec | null {
  const points = (result.stages ?? [])
    .filter((s) => s.latency !== null && s.latency.count > 0 && s.durationSeconds > 0)
    .map((s) => ({ rate: s.counters[C.messagesWritten] / s.durationSeconds, h: s.latency! }))
    .sort((a, b) => a.rate - b.rate);
  if (points.length === 0) return null;
  return {
    id: "stages",
    title: "Message latency against rate (a point per stage)",
    x: "rate",
    yLabel: "ms",
    series: [...result.percentiles.map((q) => `p${q.label}`), "max"],
    data: [
      points.map((p) => p.rate),
      ...result.percentiles.map((q) => points.map((p) => p.h.percentileMs(q.value))),
      points.map((p) => p.h.maxMs()),
    ],
  };
}

/** Every chart of a result, in page order. */
export function resultCharts(result: RunResult): ChartSpec[] {
  const charts = trafficCharts(result.series, result.setup.messageMarker);
  const stages = stageChart(result);
  if (stages) charts.push(stages);
  for (const kind of MEASURED_KINDS) {
    const perSecondChart = latencySeriesChart(result, kind);
    if (perSecondChart) charts.push(perSecondChart);
    const distribution = distributionChart(result, kind);
    if (distribution) charts.push(distribution);
  }
  return charts;
}
