/**
 * Thresholds measured on a result: the value each `--threshold` names and
 * whether it holds. Every value is one the result's JSON holds or
 * recomputes: latency as the report prints it (ms), rates over the
 * reported span, connection counts over the whole run.
 *
 * @module
 */
import type { Threshold, ThresholdMetric, ThresholdOperator } from "../plan.ts";
import { C } from "./counters.ts";
import type { RunResult } from "./result.ts";

/** How one threshold came out. */
export interface ThresholdOutcome {
  /** The expression as typed. */
  expression: string;
  passed: boolean;
  /** The measured value in the metric's unit; null when the result does not measure it. */
  measured: number | null;
  /** The unit of `measured`: `ms`, `mps`, `B/s`, `bytes`, `messages`, `connections` or `ratio`. */
  unit: string;
}

const COMPARE: Record<ThresholdOperator, (a: number, b: number) => boolean> = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

/** The unit a metric is measured in. */
export function metricUnit(metric: ThresholdMetric): string {
  if (metric.type === "latency") return "ms";
  if (metric.type === "connections") return "connections";
  const unit: Record<string, string> = {
    mps: "mps",
    ratio: "ratio",
    messages: "messages",
    bytes: "bytes",
    up: "B/s",
    down: "B/s",
  };
  return unit[metric.name.split(".")[1]];
}

/** The value `metric` names in `result`; null when the result does not measure it. */
export function measure(result: RunResult, metric: ThresholdMetric): number | null {
  if (metric.type === "latency") {
    const h = result.histograms[metric.kind];
    if (!h || h.count === 0) return null;
    const s = metric.statistic;
    return s === "min"
      ? h.minMs()
      : s === "max"
      ? h.maxMs()
      : s === "mean"
      ? h.meanMs()
      : h.percentileMs(s.percentile);
  }
  if (metric.type === "connections") return connections(result, metric.name);
  const c = result.counters;
  const d = result.durationSeconds > 0 ? result.durationSeconds : 1e-9;
  switch (metric.name) {
    case "sent.mps":
      return c[C.messagesWritten] / d;
    case "received.mps":
      return c[C.messagesReceived] / d;
    case "sent.ratio":
      return result.messagesAsked ? c[C.messagesWritten] / result.messagesAsked : null;
    case "sent.messages":
      return c[C.messagesWritten];
    case "received.messages":
      return c[C.messagesReceived];
    case "sent.bytes":
      return c[C.bytesSent];
    case "received.bytes":
      return c[C.bytesReceived];
    case "bandwidth.up":
      return c[C.bytesSent] / d;
    case "bandwidth.down":
      return c[C.bytesReceived] / d;
  }
}

function connections(result: RunResult, name: string): number {
  const end = result.counters;
  const run = result.runCounters;
  switch (name) {
    case "open":
      return end[C.openIn] + end[C.openOut];
    case "in":
      return end[C.openIn];
    case "out":
      return end[C.openOut];
    case "initiated":
      return run[C.initiated];
    case "accepted":
      return run[C.accepted];
    case "failed":
      return run[C.failures];
    default:
      return run[C.timeouts];
  }
}

/** Each threshold's outcome on `result`; one not measured fails. */
export function evaluateThresholds(
  result: RunResult,
  thresholds: readonly Threshold[],
): ThresholdOutcome[] {
  return thresholds.map((t) => {
    const measured = measure(result, t.metric);
    return {
      expression: t.expression,
      passed: measured !== null && COMPARE[t.operator](measured, t.bound),
      measured,
      unit: metricUnit(t.metric),
    };
  });
}
