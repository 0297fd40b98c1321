/**
 * kali's workload options: `--stage DURATION:TARGETS` (repeatable),
 * `--closed-loop` with `--in-flight`, `--response-timeout` and
 * `--response-timeout-close`. Per-option validation, then the cross checks
 * that turn them into the plan's stages and closed loop.
 *
 * @module
 */
import type { ClosedLoopPlan, Stage } from "../plan.ts";
import { UsageError } from "../errors.ts";
import { parseUnitValue } from "./units.ts";

/** One `--stage` as typed: its targets, null where it names none. */
export interface StageOption {
  durationSeconds: number;
  connections: number | null;
  messageRate: number | null;
  label: string;
}

/** What the command line says about the workload's shape. */
export interface WorkloadOptions {
  stages: StageOption[];
  closedLoop: boolean;
  inFlight: number | null;
  /** Seconds; null: the default (1 s). */
  responseTimeout: number | null;
  responseTimeoutClose: boolean;
  /** Whether -T was given (it may not be with stages). */
  durationGiven: boolean;
}

/** No workload options. */
export function defaultWorkloadOptions(): WorkloadOptions {
  return {
    stages: [],
    closedLoop: false,
    inFlight: null,
    responseTimeout: null,
    responseTimeoutClose: false,
    durationGiven: false,
  };
}

const DEFAULT_RESPONSE_TIMEOUT_S = 1;

/** A number with its unit, or the stage's one-line complaint. */
function stageNumber(text: string, kind: "time" | "count", option: string): number {
  const parsed = parseUnitValue(text, kind);
  if (!parsed.ok || !(parsed.value >= 0) || !Number.isFinite(parsed.value)) {
    throw new UsageError(
      `--stage=${option}: "${text}" is not a ${kind === "time" ? "duration" : "number"}`,
    );
  }
  return parsed.value;
}

/** `--stage 30s:c=1000,r=50`: a duration, then any of `c=N` and `r=Rate`. */
export function stageOption(o: WorkloadOptions, text: string): void {
  const colon = text.indexOf(":");
  if (colon < 0) {
    throw new UsageError(`--stage=${text}: expected DURATION:TARGETS, as in 30s:c=100,r=10`);
  }
  const durationSeconds = stageNumber(text.slice(0, colon), "time", text);
  if (!(durationSeconds > 0)) {
    throw new UsageError(`--stage=${text}: the duration must be positive`);
  }
  const stage: StageOption = { durationSeconds, connections: null, messageRate: null, label: text };
  const targets = text.slice(colon + 1);
  for (const target of targets === "" ? [] : targets.split(",")) {
    const match = /^\s*([cr])\s*=\s*(.*)$/.exec(target);
    if (!match) {
      throw new UsageError(`--stage=${text}: "${target}" is not c=<N> or r=<Rate>`);
    }
    const value = stageNumber(match[2], "count", text);
    if (match[1] === "c") stage.connections = Math.trunc(value);
    else stage.messageRate = value;
  }
  o.stages.push(stage);
}

/** `--in-flight N`: messages awaiting their answer per connection. */
export function inFlightOption(o: WorkloadOptions, text: string): void {
  const parsed = parseUnitValue(text, "count");
  if (!parsed.ok || !(parsed.value >= 1) || !Number.isInteger(parsed.value)) {
    throw new UsageError(`Expecting --in-flight=<N> of 1 or more, not ${text}`);
  }
  o.inFlight = parsed.value;
}

/** `--response-timeout T`. */
export function responseTimeoutOption(o: WorkloadOptions, text: string): void {
  const parsed = parseUnitValue(text, "time");
  if (!parsed.ok || !(parsed.value > 0) || !Number.isFinite(parsed.value)) {
    throw new UsageError(`Expected positive --response-timeout=${text}`);
  }
  o.responseTimeout = parsed.value;
}

/** What the cross checks look at besides the workload options. */
export interface WorkloadContext {
  hasTarget: boolean;
  hasMessages: boolean;
  /** `-c` (0 without a destination). */
  connections: number;
  /** `-r` in messages per second; null: not paced by messages. */
  messageRate: number | null;
  /** --channel-bandwidth-upstream was the last upstream setting. */
  upstreamBytes: boolean;
  rateSearch: boolean;
  latencyMarker: boolean;
}

/** The validated stages: absolute targets, held values filled in. */
export function stagesPlan(o: WorkloadOptions, context: WorkloadContext): Stage[] | null {
  if (o.stages.length === 0) return null;
  if (o.durationGiven) {
    throw new UsageError(
      "--stage and --duration (-T) exclude each other: the stages add up to the duration",
    );
  }
  if (context.rateSearch) {
    throw new UsageError("--stage and --message-rate @<Latency> exclude each other");
  }
  if (!context.hasTarget) {
    throw new UsageError(
      "--stage is given, but no connections are supposed to be initiated. Specify <host:port>?",
    );
  }
  const namesRate = o.stages.some((s) => s.messageRate !== null);
  if (namesRate && !context.hasMessages) {
    throw new UsageError("--stage r=<Rate> makes no sense without --message or --message-file");
  }
  if (namesRate && context.upstreamBytes) {
    throw new UsageError("--stage r=<Rate> and --channel-bandwidth-upstream exclude each other");
  }
  let connections = context.connections;
  let rate = stageStartRate(o, context);
  return o.stages.map((s) => {
    connections = s.connections ?? connections;
    rate = s.messageRate ?? rate;
    return { durationMs: s.durationSeconds * 1000, connections, messageRate: rate, label: s.label };
  });
}

/**
 * The message rate the stages start from: `-r`, else the first rate a
 * stage names (held until then); null when neither is given (unpaced).
 */
export function stageStartRate(o: WorkloadOptions, context: WorkloadContext): number | null {
  return context.messageRate ?? o.stages.find((s) => s.messageRate !== null)?.messageRate ?? null;
}

/** Warnings for the closed loop's options given without `--closed-loop`. */
export function strayClosedLoopOptions(o: WorkloadOptions): string[] {
  if (o.closedLoop) return [];
  const given = [
    o.inFlight !== null ? "--in-flight" : null,
    o.responseTimeout !== null ? "--response-timeout" : null,
    o.responseTimeoutClose ? "--response-timeout-close" : null,
  ];
  return given.flatMap((name) =>
    name === null ? [] : [`WARNING: ${name} makes no effect without --closed-loop`]
  );
}

/** The validated closed loop; null without `--closed-loop`. */
export function closedLoopPlan(
  o: WorkloadOptions,
  context: WorkloadContext,
): ClosedLoopPlan | null {
  if (!o.closedLoop) return null;
  if (!context.latencyMarker) {
    throw new UsageError(
      "--closed-loop requires --latency-marker: its match in the received data is the answer",
    );
  }
  return {
    inFlight: o.inFlight ?? 1,
    responseTimeoutMs: (o.responseTimeout ?? DEFAULT_RESPONSE_TIMEOUT_S) * 1000,
    closeOnTimeout: o.responseTimeoutClose,
  };
}

/** The plan's workload parts, and the message rate the run starts at. */
export interface WorkloadPlan {
  stages: Stage[] | null;
  closedLoop: ClosedLoopPlan | null;
  /** `-r`, or with stages the rate they start from; null: unpaced. */
  messageRate: number | null;
  /** Lines to say before the run. */
  warnings: string[];
}

/** Validates the workload options against the rest of the command line. */
export function workloadPlan(o: WorkloadOptions, context: WorkloadContext): WorkloadPlan {
  const stages = stagesPlan(o, context);
  return {
    stages,
    closedLoop: closedLoopPlan(o, context),
    messageRate: stages === null ? context.messageRate : stageStartRate(o, context),
    warnings: strayClosedLoopOptions(o),
  };
}

/** The most connections the command line asks for at once (`-c`, or a stage's `c=`). */
export function peakConnectionsAsked(o: WorkloadOptions, connections: number): number {
  return Math.max(connections, ...o.stages.map((s) => s.connections ?? 0));
}
