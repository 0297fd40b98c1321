/**
 * What a run was asked to do and where it ran, as plain data that a result
 * carries: every report (and a merge of results) works from it without the
 * plan.
 *
 * @module
 */
import { escapeBytes } from "../content/printable.ts";
import type { ClosedLoopPlan, LatencyPlan, RunPlan, ShardPlan } from "../plan.ts";

/** One part of a load shared by `count` runs (`--shard I/N`: `index` from 0). */
export type Shard = ShardPlan;

/** The load a run was asked for: what a merge adds up or requires to be equal. */
export interface AskedLoad {
  /** Connections to open to the destinations. */
  connections: number;
  /** New connections per second. */
  connectRate: number;
  /** Messages per second per connection; null: not paced by messages. */
  messageRate: number | null;
  /** Bytes per second per connection upstream; null: unlimited. */
  upstreamBandwidth: number | null;
  /** Bytes per second per connection downstream; null: unlimited. */
  downstreamBandwidth: number | null;
  /** Steady-phase length; null: until interrupted. */
  durationMs: number | null;
  /** SHA-256 (hex) of the content options and framing. */
  content: string;
}

/** A run's setup, as its result carries it. */
export interface RunSetup {
  /** The command line as given (without the program name). */
  argv: string[];
  /** The validated plan as JSON data (the result file's `options`). */
  options: Record<string, unknown>;
  asked: AskedLoad;
  /** Marker mode (`--message-marker`): the report has the message-rate line. */
  messageMarker: boolean;
  /** The host the run ran on; null when unknown (or several, for a merge). */
  host: string | null;
  shard: Shard | null;
  /** What kali's workload lines need (absent: none printed). */
  workload?: WorkloadSetup;
}

/** What the report's `--closed-loop` and `--stage` lines need from the plan. */
export interface WorkloadSetup {
  closedLoop: ClosedLoopPlan | null;
  /** Whether answers are counted (`--latency-marker` or marker mode). */
  answersCounted: boolean;
}

/** The setup of a run of `plan` on `host`. */
export function runSetup(plan: RunPlan, host: string | null): RunSetup {
  return {
    argv: [...plan.outputs.argv],
    options: planOptions(plan),
    asked: {
      connections: plan.connections,
      connectRate: plan.connectRate,
      messageRate: plan.messageRate,
      upstreamBandwidth: plan.upstreamBandwidth,
      downstreamBandwidth: plan.downstreamBandwidth,
      durationMs: plan.durationMs,
      content: plan.outputs.contentDigest,
    },
    messageMarker: plan.latency.messageMarker,
    host,
    shard: plan.shard ? { index: plan.shard.index, count: plan.shard.count } : null,
    workload: {
      closedLoop: plan.closedLoop,
      answersCounted: plan.latency.marker !== null || plan.latency.messageMarker,
    },
  };
}

/** This machine's host name; null when the sys permission does not cover it. */
export function hostName(): string | null {
  try {
    const state = Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state;
    return state === "granted" ? Deno.hostname() : null;
  } catch {
    return null;
  }
}

/** The plan as the `options` block: what was asked, in the plan's units. */
function planOptions(plan: RunPlan): Record<string, unknown> {
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
    hdrLog: o.hdrLogFile,
    html: o.htmlFile,
    thresholds: o.thresholds.map((t) => t.expression),
    stages: plan.stages,
    closedLoop: plan.closedLoop,
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
