/**
 * Results built in memory, for tests of what is computed from a
 * RunResult (merge, thresholds, reports), and a count-for-count view of
 * histograms.
 *
 * @module
 */
import { decodeFromCompressedBase64, type JsHistogram } from "hdr-histogram-js";
import { C, newCounters } from "../../src/stats/counters.ts";
import type { Stage } from "../../src/plan.ts";
import { LatencyHistogram } from "../../src/stats/histogram.ts";
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

/** The stages of {@link fakeStagedResult}: `connections` each shard's share of 4. */
export function fakeStages(connections = 4): Stage[] {
  return [
    { durationMs: 1000, connections, messageRate: 20, label: "1s:c=4,r=20" },
    { durationMs: 2000, connections, messageRate: 100, label: "2s:r=100" },
    { durationMs: 1000, connections: 0, messageRate: 100, label: "1s:c=0" },
  ];
}

/**
 * A closed-loop run of {@link fakeStages} with `--latency-marker`: stage i
 * answered the latencies (µs) `latencies[i]` (none: no histogram), sent
 * `sent[i]` messages; the whole run's histogram holds every latency.
 */
export function fakeStagedResult(
  latencies: number[][],
  sent: number[],
  overrides: Partial<RunResult> & { connections?: number } = {},
): RunResult {
  const { connections, ...rest } = overrides;
  const planned = fakeStages(connections);
  const base = fakeResult(rest);
  const loop = { inFlight: 2, responseTimeoutMs: 500, closeOnTimeout: false };
  const options = {
    ...base.setup.options,
    latency: { messageMarker: false, marker: "x", percentiles: PERCENTILES },
    stages: planned,
    closedLoop: loop,
  };
  const whole = histogramOf(latencies.flat());
  const stages = planned.map((stage, i) => ({
    stage,
    durationSeconds: [1.002, 1.999, 1.004][i],
    counters: countersOf({
      messagesWritten: sent[i],
      requests: sent[i],
      responses: latencies[i].length,
      openOut: i < 2 ? stage.connections : 0,
      bytesSent: 5 * sent[i],
    }),
    latency: latencies[i].length > 0 ? histogramOf(latencies[i]) : null,
  }));
  const answers = latencies.flat().length;
  return {
    ...base,
    setup: { ...base.setup, options, workload: { closedLoop: loop, answersCounted: true } },
    durationSeconds: 4.005,
    counters: countersOf({ messagesWritten: sent.reduce((a, b) => a + b, 0), responses: answers }),
    histograms: { message: whole },
    stages,
    ...rest,
  };
}

/** A histogram of these latencies (µs). */
export function histogramOf(micros: number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const m of micros) h.record(m);
  return h;
}
