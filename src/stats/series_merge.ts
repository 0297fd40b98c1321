/**
 * Per-second series of several runs added up: points are aligned by the
 * whole second of Unix time they end in, so runs on different machines
 * (clocks in step) line up; traffic and latency histograms are summed,
 * connection levels are summed over each run's last point of the second.
 *
 * @module
 */
import type { Percentile } from "../plan.ts";
import { LatencyHistogram } from "./histogram.ts";
import type { MeasuredKind } from "./latency_kinds.ts";
import { intervalLatency, type PointLatency, type SeriesPoint } from "./series.ts";

/** One run's points in one second. */
type Members = Map<number, SeriesPoint[]>;

/** The series of the whole; one series is returned as it is. */
export function mergeSeries(
  series: SeriesPoint[][],
  percentiles: readonly Percentile[],
): SeriesPoint[] {
  if (series.length === 1) return series[0];
  const starts = series.flatMap((points) =>
    points.length ? [points[0].unixTime - points[0].t] : []
  );
  const start = Math.min(...starts);
  const seconds = new Map<number, Members>();
  series.forEach((points, run) => {
    for (const point of points) {
      const second = Math.ceil(point.unixTime);
      const members = seconds.get(second) ?? new Map();
      seconds.set(second, members);
      members.set(run, [...(members.get(run) ?? []), point]);
    }
  });
  return [...seconds.keys()].sort((a, b) => a - b).map((second) =>
    mergedPoint(second, start, seconds.get(second)!, percentiles)
  );
}

function mergedPoint(
  second: number,
  start: number,
  members: Members,
  percentiles: readonly Percentile[],
): SeriesPoint {
  const all = [...members.values()].flat();
  const lasts = [...members.values()].map((points) => points.at(-1)!);
  const total = (key: keyof SeriesPoint) => all.reduce((n, p) => n + (p[key] as number), 0);
  const level = (key: keyof SeriesPoint) => lasts.reduce((n, p) => n + (p[key] as number), 0);
  const point: SeriesPoint = {
    t: Math.round((second - start) * 1000) / 1000,
    unixTime: second,
    seconds: 1,
    phase: all.every((p) => p.phase === "steady") ? "steady" : "ramp-up",
    connectionsIn: level("connectionsIn"),
    connectionsOut: level("connectionsOut"),
    connecting: level("connecting"),
    bytesSent: total("bytesSent"),
    bytesReceived: total("bytesReceived"),
    messagesSent: total("messagesSent"),
    messagesReceived: total("messagesReceived"),
    messagesWritten: total("messagesWritten"),
  };
  if (all.some((p) => p.latency)) point.latency = addLatency(all, percentiles);
  return point;
}

/** The interval histograms of `points` added per kind. */
function addLatency(points: SeriesPoint[], percentiles: readonly Percentile[]): PointLatency {
  const sums = new Map<MeasuredKind, LatencyHistogram>();
  for (const point of points) {
    for (const [kind, interval] of Object.entries(point.latency ?? {})) {
      const sum = sums.get(kind as MeasuredKind) ?? new LatencyHistogram();
      sum.add(LatencyHistogram.fromBase64(interval.histogram, interval));
      sums.set(kind as MeasuredKind, sum);
    }
  }
  const latency: PointLatency = {};
  for (const [kind, sum] of sums) latency[kind] = intervalLatency(sum, percentiles);
  return latency;
}
