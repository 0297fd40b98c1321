/**
 * Results built in memory, for tests of what is computed from a
 * RunResult (merge, thresholds, reports), and a count-for-count view of
 * histograms.
 *
 * @module
 */
import { decodeFromCompressedBase64, type JsHistogram } from "hdr-histogram-js";
import { C, newCounters } from "../../src/stats/counters.ts";
import type { LatencyHistogram } from "../../src/stats/histogram.ts";
import type { MeasuredHistograms } from "../../src/stats/latency_kinds.ts";
import type { RunResult } from "../../src/stats/result.ts";
import type { SeriesPoint } from "../../src/stats/series.ts";

/** Counters with the given entries set (names of `C`). */
export function countersOf(values: Partial<Record<keyof typeof C, number>>): Float64Array {
  const c = newCounters();
  for (const [name, value] of Object.entries(values)) c[C[name as keyof typeof C]] = value;
  return c;
}

const PERCENTILES = [{ label: "95", value: 95 }, { label: "99", value: 99 }];

/** A completed run's result: 10 s steady phase from `startedAt`, then `overrides`. */
export function fakeResult(
  overrides: Partial<RunResult> & { histograms?: MeasuredHistograms } = {},
): RunResult {
  const startedAt = overrides.startedAt ?? new Date("2030-01-01T00:00:00Z");
  return {
    status: "completed",
    setup: {
      argv: ["-c", "10", "-r", "100", "-m", "x", "127.0.0.1:1"],
      options: { latency: { messageMarker: false, percentiles: PERCENTILES } },
      asked: {
        connections: 10,
        connectRate: 100,
        messageRate: 100,
        upstreamBandwidth: 100,
        downstreamBandwidth: null,
        durationMs: 10000,
        content: "c0ffee",
      },
      messageMarker: false,
      host: "test-host",
      shard: null,
    },
    startedAt,
    startAt: null,
    startLatenessMs: null,
    counters: newCounters(),
    durationSeconds: 10,
    counted: "steady",
    countedFrom: new Date(startedAt.getTime() + 100),
    runCounters: newCounters(),
    runSeconds: 10.2,
    messagesAsked: 10000,
    reported: true,
    series: [],
    histograms: {},
    percentiles: PERCENTILES,
    interrupt: null,
    rampFailure: null,
    rateSearch: null,
    messageStop: null,
    failure: null,
    connectionLoss: null,
    parts: [],
    ...overrides,
  };
}

/** A series point at `second` after `startedAt` with the given figures. */
export function fakePoint(
  startMs: number,
  second: number,
  fields: Partial<SeriesPoint> = {},
): SeriesPoint {
  return {
    t: second,
    unixTime: (startMs + second * 1000) / 1000,
    seconds: 1,
    phase: "steady",
    connectionsIn: 0,
    connectionsOut: 10,
    connecting: 0,
    bytesSent: 0,
    bytesReceived: 0,
    messagesSent: 0,
    messagesReceived: 0,
    messagesWritten: 0,
    ...fields,
  };
}

/** The non-zero bucket counts of a histogram, by counts-array index. */
export function bucketCounts(histogram: LatencyHistogram | string): Map<number, number> {
  const encoded = typeof histogram === "string" ? histogram : histogram.toBase64();
  const decoded = decodeFromCompressedBase64(encoded, 32, false) as JsHistogram;
  const counts = new Map<number, number>();
  for (let i = 0; i < decoded.countsArrayLength; i++) {
    const n = decoded.getCountAtIndex(i);
    if (n !== 0) counts.set(i, n);
  }
  decoded.destroy();
  return counts;
}
