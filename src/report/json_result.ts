/**
 * `--json FILE` (kali extension): the run's options, every figure of the
 * final report, per-second series, and the full latency histograms as
 * HdrHistogram compressed base64. The schema is `docs/kali-result.schema.json`,
 * described in `docs/json-schema.md`.
 *
 * @module
 */
import { VERSION } from "../shared/version.ts";
import { type LatencyPlan, type Percentile, type RunPlan } from "../plan.ts";
import { C } from "../stats/counters.ts";
import type { LatencyHistogram } from "../stats/histogram.ts";
import { escapeBytes } from "../content/printable.ts";
import { reportFigures } from "./final_report.ts";
import { LATENCY_KINDS, type LatencyHistograms } from "../stats/latency_kinds.ts";

/** Version of the JSON layout; bumped on incompatible changes. */
export const RESULT_FORMAT = 1;

/** How a run that printed its final report ended. */
export type ReportStatus =
  | "completed"
  | "interrupted"
  | "ramp-up-failed"
  | "rate-search-failed";

/** How a run ended without its report: `--message-stop` (exit 2) or a fatal error. */
export type StopStatus = "message-stop" | "failed";

/** How the run ended. */
export type RunStatus = ReportStatus | StopStatus;

/** One per-second sample. Byte and message figures are for that second only. */
export interface SeriesPoint {
  /** Seconds since the workers were started (end of this sample). */
  t: number;
  phase: "ramp-up" | "steady";
  connectionsIn: number;
  connectionsOut: number;
  connecting: number;
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  /** Cumulative latency percentiles (ms) per measured kind, at this time. */
  latency?: Record<string, Record<string, number>>;
}

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

/** Collects per-second samples during the run. */
export class ResultRecorder {
  readonly series: SeriesPoint[] = [];
  readonly startedAt = new Date();
  #startMs = 0;
  #nextMs = 0;
  #previous: Float64Array | null = null;
  #phase: SeriesPoint["phase"] = "ramp-up";
  #latency: (() => LatencyHistograms) | null = null;
  #percentiles: readonly Percentile[] = [];

  /** Starts the clock (when the workers are told to start). */
  start(counters: Float64Array, nowMs: number): void {
    this.#startMs = nowMs;
    this.#nextMs = nowMs + 1000;
    this.#previous = counters.slice();
  }

  /** Where latency comes from, once latency is measured. */
  setLatency(histograms: () => LatencyHistograms, percentiles: readonly Percentile[]): void {
    this.#latency = histograms;
    this.#percentiles = percentiles;
  }

  /** Marks the start of the steady phase. */
  steady(): void {
    this.#phase = "steady";
  }

  /** Called often (every 0.25 s); records a point when a second has passed. */
  tick(counters: Float64Array, nowMs: number): void {
    if (this.#previous === null || nowMs < this.#nextMs) return;
    this.#nextMs += 1000 * Math.max(1, Math.floor((nowMs - this.#nextMs) / 1000) + 1);
    const p = this.#previous;
    const point: SeriesPoint = {
      t: round3((nowMs - this.#startMs) / 1000),
      phase: this.#phase,
      connectionsIn: counters[C.openIn],
      connectionsOut: counters[C.openOut],
      connecting: counters[C.connecting],
      bytesSent: counters[C.bytesSent] - p[C.bytesSent],
      bytesReceived: counters[C.bytesReceived] - p[C.bytesReceived],
      messagesSent: counters[C.messagesSent] - p[C.messagesSent],
      messagesReceived: counters[C.messagesReceived] - p[C.messagesReceived],
    };
    if (this.#latency) {
      const latency: Record<string, Record<string, number>> = {};
      const histograms = this.#latency();
      for (const kind of LATENCY_KINDS) {
        const h = histograms[kind];
        if (!h || h.count === 0) continue;
        latency[kind] = Object.fromEntries(
          this.#percentiles.map((q) => [q.label, h.percentileMs(q.value)]),
        );
      }
      point.latency = latency;
    }
    this.series.push(point);
    this.#previous = counters.slice();
  }

  /** Final latency, when measured. */
  latency(): LatencyHistograms | null {
    return this.#latency ? this.#latency() : null;
  }

  /** The percentiles the report uses. */
  get percentiles(): readonly Percentile[] {
    return this.#percentiles;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** What the final result is made of. */
export interface ResultInput {
  plan: RunPlan;
  recorder: ResultRecorder;
  status: RunStatus;
  /** The lines kali printed about why the run ended, without terminal colours. */
  reason: string[];
  /** Steady-phase counters (as reported), or from the start if it never began. */
  counters: Float64Array;
  durationSeconds: number;
  /** The text report lines, as printed; empty when no report was. */
  reportLines: string[];
  /** Whether the report has the message-rate line. */
  messageRate: boolean;
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
  const { plan, counters: c } = input;
  const figures = reportFigures(c, input.durationSeconds);
  const latency: Record<string, LatencyResult> = {};
  const histograms = input.recorder.latency();
  if (histograms) {
    for (const kind of LATENCY_KINDS) {
      const h = histograms[kind];
      if (h) latency[kind] = latencyResult(h, input.recorder.percentiles);
    }
  }
  return {
    kali: { version: VERSION, format: RESULT_FORMAT },
    startedAt: input.recorder.startedAt.toISOString(),
    status: input.status,
    reason: input.reason,
    argv: plan.outputs.argv,
    options: optionsResult(plan),
    report: {
      text: input.reportLines,
      durationSeconds: input.durationSeconds,
      ...figures,
      messageRateIn: input.messageRate ? figures.messageRateIn : null,
      messageRateOut: input.messageRate ? figures.messageRateOut : null,
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
    series: input.recorder.series,
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

/** Writes the result to `file` (pretty-printed, trailing newline). */
export function writeResult(file: string, result: Record<string, unknown>): void {
  Deno.writeTextFileSync(file, JSON.stringify(result, null, 2) + "\n");
}
