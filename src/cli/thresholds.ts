/**
 * `--threshold EXPR`: a bound the result must meet, e.g. `message.p99 < 5ms`,
 * `sent.mps >= 9900`, `bandwidth.down > 1Gbps`, `connections.failed == 0`.
 * Values take tcpkali's units for their metric; a bad expression is a
 * usage error before any traffic.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type {
  LatencyPlan,
  LatencyStatistic,
  Threshold,
  ThresholdMetric,
  ThresholdOperator,
} from "../plan.ts";
import { parseUnitValue, type UnitKind } from "./units.ts";

const LATENCY_KINDS: Record<string, "connect" | "firstbyte" | "message" | "corrected"> = {
  connect: "connect",
  "first-byte": "firstbyte",
  firstbyte: "firstbyte",
  message: "message",
  "message-marker": "message",
  corrected: "corrected",
};

/** Traffic metrics and the unit kind their bound is written in (null: a plain number). */
const TRAFFIC: Record<string, UnitKind | null> = {
  "sent.mps": "count",
  "received.mps": "count",
  "sent.ratio": null,
  "sent.messages": "count",
  "received.messages": "count",
  "sent.bytes": "size",
  "received.bytes": "size",
  "bandwidth.up": "bandwidth",
  "bandwidth.down": "bandwidth",
};

const CONNECTIONS = ["open", "in", "out", "initiated", "accepted", "failed", "timeouts"] as const;

/** Every metric name a threshold accepts, for the error line. */
export const THRESHOLD_METRICS =
  "connect|first-byte|message|corrected.{pN,min,max,mean}, sent.{mps,ratio,messages,bytes}, " +
  "received.{mps,messages,bytes}, bandwidth.{up,down}, connections.{" + CONNECTIONS.join(",") +
  "}";

const EXPRESSION = /^\s*([a-z][a-z.-]*?(?:\.p[0-9.]+)?)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/;

/** Parses one `--threshold` expression. */
export function parseThreshold(expression: string): Threshold {
  const match = EXPRESSION.exec(expression);
  const bad = (why: string) => new UsageError(`--threshold "${expression}": ${why}`);
  if (!match) throw bad("expected METRIC OP VALUE, e.g. message.p99 < 5ms (OP: < <= > >= == !=)");
  const [, name, operator, text] = match;
  const metric = parseMetric(name);
  if (!metric) throw bad(`unknown metric "${name}"; known: ${THRESHOLD_METRICS}`);
  const bound = parseBound(metric, name, text);
  if (bound === null) throw bad(`"${text}" is not a ${boundWords(metric, name)}`);
  return { expression: expression.trim(), metric, operator: operator as ThresholdOperator, bound };
}

function parseMetric(name: string): ThresholdMetric | null {
  if (name in TRAFFIC) return { type: "traffic", name: name as never };
  const [group, stat, ...rest] = name.split(/\.(?=[a-z])/);
  if (group === "connections" && rest.length === 0) {
    return (CONNECTIONS as readonly string[]).includes(stat)
      ? { type: "connections", name: stat as typeof CONNECTIONS[number] }
      : null;
  }
  const kind = LATENCY_KINDS[group];
  if (!kind || rest.length > 0 || stat === undefined) return null;
  const statistic = latencyStatistic(stat);
  return statistic === null ? null : { type: "latency", kind, statistic };
}

function latencyStatistic(stat: string): LatencyStatistic | null {
  if (stat === "min" || stat === "max" || stat === "mean") return stat;
  const match = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (!match) return null;
  const percentile = Number(match[1]);
  return percentile >= 0 && percentile <= 100 ? { percentile } : null;
}

/** The bound in the metric's unit: ms, per second, bytes, bytes per second, a ratio, a count. */
function parseBound(metric: ThresholdMetric, name: string, text: string): number | null {
  if (metric.type === "latency") {
    const parsed = parseUnitValue(text, "time");
    return parsed.ok ? parsed.value * 1000 : null;
  }
  const kind = metric.type === "connections" ? "count" : TRAFFIC[name];
  if (kind === null) {
    const percent = /^(.*)%$/.exec(text);
    const value = Number(percent ? percent[1] : text);
    return text.trim() === "" || !Number.isFinite(value) ? null : percent ? value / 100 : value;
  }
  const parsed = parseUnitValue(text, kind);
  return parsed.ok ? parsed.value : null;
}

function boundWords(metric: ThresholdMetric, name: string): string {
  if (metric.type === "latency") return "time (tcpkali's units: 5ms, 0.2s)";
  if (metric.type === "connections") return "count";
  const kind = TRAFFIC[name];
  if (kind === null) return "ratio (0.99 or 99%)";
  if (kind === "bandwidth") return "bandwidth (tcpkali's units: 100Mbps, 1Gbps, 10MBps)";
  if (kind === "size") return "size (tcpkali's units: 10k, 5m)";
  return "count (tcpkali's units: 9900, 10k)";
}

/** Refuses thresholds on latency the run does not measure (the run would only fail them). */
export function checkThresholds(thresholds: readonly Threshold[], latency: LatencyPlan): void {
  const measured = {
    connect: latency.connect,
    firstbyte: latency.firstByte,
    message: latency.marker !== null || latency.messageMarker,
    corrected: latency.corrected,
  };
  const needs = {
    connect: "--latency-connect",
    firstbyte: "--latency-first-byte",
    message: "--latency-marker or --message-marker",
    corrected: "--latency-marker with a fixed --message-rate",
  };
  for (const threshold of thresholds) {
    const metric = threshold.metric;
    if (
      metric.type === "traffic" && metric.name.startsWith("received.") && !latency.messageMarker
    ) {
      throw new UsageError(
        `--threshold "${threshold.expression}": received messages are counted in marker mode only (--message-marker)`,
      );
    }
    if (metric.type !== "latency" || measured[metric.kind]) continue;
    throw new UsageError(
      `--threshold "${threshold.expression}": ${metric.kind} latency is not measured (it needs ${
        needs[metric.kind]
      })`,
    );
  }
}
