/**
 * `--json FILE` (kali extension): the run's options, every figure of the
 * final report, per-second series, and the full latency histograms as
 * HdrHistogram compressed base64. The schema is `docs/kali-result.schema.json`,
 * described in `docs/json-schema.md`.
 *
 * @module
 */
import { EXIT, strerror, UsageError } from "../errors.ts";
import { VERSION } from "../shared/version.ts";
import { type LatencyPlan, type Percentile, type RunPlan } from "../plan.ts";
import { C } from "../stats/counters.ts";
import type { LatencyHistogram } from "../stats/histogram.ts";
import { escapeBytes } from "../content/printable.ts";
import { reportFigures } from "./final_report.ts";
import { LATENCY_KINDS } from "../stats/latency_kinds.ts";
import type { RunResult } from "../stats/result.ts";

/** Version of the JSON layout; bumped on incompatible changes. */
export const RESULT_FORMAT = 1;

/** Latency figures of one measurement. */
export interface LatencyResult {
  count: number;
  minMs: number;
  meanMs: number;
  maxMs: number;
  percentiles: { label: string; ms: number }[];
  /** HdrHistogram V2 compressed, base64 (values in µs). */
  histogram: string;
}

/** What the result file is made of. */
export interface ResultInput {
  plan: RunPlan;
  result: RunResult;
  /** The lines kali printed about why the run ended, without terminal colours. */
  reason: string[];
  /** The text report lines, as printed; empty when no report was. */
  reportLines: string[];
}

function latencyResult(h: LatencyHistogram, percentiles: readonly Percentile[]): LatencyResult {
  return {
    count: h.count,
    minMs: h.minMs(),
    meanMs: h.meanMs(),
    maxMs: h.maxMs(),
    percentiles: percentiles.map((p) => ({ label: p.label, ms: h.percentileMs(p.value) })),
    histogram: h.toBase64(),
  };
}

/** The result object written by `--json`. */
export function buildResult(input: ResultInput): Record<string, unknown> {
  const { plan, result } = input;
  const c = result.counters;
  const messageRate = plan.latency.messageMarker;
  const figures = reportFigures(c, result.durationSeconds);
  const latency: Record<string, LatencyResult> = {};
  for (const kind of LATENCY_KINDS) {
    const h = result.histograms[kind];
    if (h) latency[kind] = latencyResult(h, result.percentiles);
  }
  return {
    kali: { version: VERSION, format: RESULT_FORMAT },
    startedAt: (result.startedAt ?? new Date()).toISOString(),
    status: result.status,
    reason: input.reason,
    argv: plan.outputs.argv,
    options: optionsResult(plan),
    report: {
      text: input.reportLines,
      durationSeconds: result.durationSeconds,
      ...figures,
      messageRateIn: messageRate ? figures.messageRateIn : null,
      messageRateOut: messageRate ? figures.messageRateOut : null,
      reads: c[C.reads],
      writes: c[C.writes],
      messagesSent: c[C.messagesSent],
      messagesReceived: c[C.messagesReceived],
      connectionsOpenIn: c[C.openIn],
      connectionsOpenOut: c[C.openOut],
      connectionsInitiated: c[C.initiated],
      connectionsAccepted: c[C.accepted],
      connectionFailures: c[C.failures],
      connectionTimeouts: c[C.timeouts],
      latency,
    },
    series: result.series,
  };
}

/** The plan as the `options` block: what was asked, in the plan's units. */
function optionsResult(plan: RunPlan): Record<string, unknown> {
  const o = plan.outputs;
  const certificate = plan.tls?.listener ?? null;
  return {
    destinations: plan.destinations.map((x) => ({ address: x.address, port: x.port })),
    listen: plan.listen.map((x) => ({ address: x.address, port: x.port })),
    listenMode: plan.listenMode,
    connections: plan.connections,
    connectRate: plan.connectRate,
    connectTimeoutMs: plan.connectTimeoutMs,
    channelLifetimeMs: plan.channelLifetimeMs,
    durationMs: plan.durationMs,
    delaySendMs: plan.delaySendMs,
    workers: plan.workers,
    messageRate: plan.messageRate,
    upstreamBandwidth: plan.upstreamBandwidth,
    downstreamBandwidth: plan.downstreamBandwidth,
    writeCombine: plan.writeCombine,
    noDelay: plan.noDelay,
    websocket: plan.websocket !== null,
    tls: plan.tls !== null,
    // File names only: the PEM text (a private key) stays out of the result.
    tlsCertFile: certificate?.certFile ?? null,
    tlsKeyFile: certificate?.keyFile ?? null,
    verbosity: plan.verbosity,
    latency: latencyOptions(plan.latency),
    messageStop: o.messageStop ? escapeBytes(o.messageStop) : null,
    dump: { ...o.dump },
    statsd: o.statsd,
    statsdLatencyWindowMs: o.statsdLatencyWindowMs,
    sourceAddresses: o.sourceAddresses,
  };
}

function latencyOptions(l: LatencyPlan): Record<string, unknown> {
  return {
    connect: l.connect,
    firstByte: l.firstByte,
    marker: l.marker ? escapeBytes(l.marker.source) : null,
    markerSkip: l.markerSkip,
    messageMarker: l.messageMarker,
    percentiles: l.percentiles.map((p) => ({ label: p.label, value: p.value })),
    rateSearchMs: l.rateSearch?.targetMs ?? null,
    corrected: l.corrected,
  };
}

/**
 * Checks before any traffic that the result file can be written: opens it
 * for appending, creating it if need be (its content is replaced at the
 * end). Throws a one-line UsageError, exit 73 (EX_CANTCREAT), when it
 * cannot be.
 */
export function prepareResultFile(file: string): void {
  try {
    Deno.openSync(file, { append: true, create: true }).close();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(cannotWrite(file, error), EXIT.cantCreate);
  }
}

/** `kali: cannot write the --json result to "out.json": No such file or directory`. */
export function cannotWrite(file: string, error: unknown): string {
  return `kali: cannot write the --json result to "${file}": ${strerror(error)}`;
}

/** Writes the result to `file` (pretty-printed, trailing newline). */
export function writeResult(file: string, result: Record<string, unknown>): void {
  Deno.writeTextFileSync(file, JSON.stringify(result, null, 2) + "\n");
}
