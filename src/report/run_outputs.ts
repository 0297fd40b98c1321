/**
 * The main thread's side of issue 7's outputs: StatsD batches and the
 * `--json` result (sampled on one 0.25 s timer), and the `--message-stop`
 * exit lines. The coordinator calls these at fixed points of a run; the
 * JSON file is written however a started run ends (report, --message-stop
 * or fatal error).
 *
 * @module
 */
import { type Percentile, type RunPlan } from "../plan.ts";
import { escapeBytes } from "../content/printable.ts";
import {
  buildResult,
  type ReportStatus,
  type ResultInput,
  ResultRecorder,
  type StopStatus,
  writeResult,
} from "./json_result.ts";
import type { LatencyHistograms } from "../stats/latency_kinds.ts";
import { StatsdSender } from "./statsd_sender.ts";

/** StatsD and live sampling cadence (tcpkali: 0.25 s). */
export const OUTPUT_TICK_MS = 250;

/** What the end of a run reports. */
export interface RunEnd {
  status: ReportStatus;
  /** Why the run ended early (stderr lines); empty when it ran its course. */
  reason: string[];
  /** Steady-phase counters, as in the text report. */
  counters: Float64Array;
  durationSeconds: number;
  reportLines: string[];
  messageRate: boolean;
}

/** A run that ends without its report (`--message-stop`, a fatal error). */
export interface RunStop {
  status: StopStatus;
  /** The lines printed about it, without terminal colours. */
  reason: string[];
  /** Counted up to the stop: since the steady phase began, else since the start. */
  counters: Float64Array;
  durationSeconds: number;
}

/** StatsD and JSON for one run. */
export class RunOutputs {
  readonly statsd: StatsdSender | null;
  readonly recorder: ResultRecorder | null;
  readonly #plan: RunPlan;
  readonly #stderr: (text: string) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #counters: () => Float64Array = () => new Float64Array(0);
  #latencyHistograms: (() => LatencyHistograms) | null = null;
  #percentiles: readonly Percentile[] = [];
  /** The report's end once written: a later fatal error keeps its figures. */
  #reported: RunEnd | null = null;

  constructor(plan: RunPlan, stderr: (text: string) => void) {
    this.#plan = plan;
    this.#stderr = stderr;
    const o = plan.outputs;
    const percentiles = () => this.#percentiles;
    this.statsd = o.statsd
      ? new StatsdSender(o.statsd, {
        latencyWindowMs: o.statsdLatencyWindowMs,
        latency: {
          histograms: () => this.#latencyHistograms?.() ?? {},
          get percentiles() {
            return percentiles();
          },
        },
      })
      : null;
    this.recorder = o.jsonFile ? new ResultRecorder() : null;
  }

  /**
   * The hook for latency (issue 4): the merged cumulative histograms and the
   * report's percentiles. Until it is called, StatsD sends no latency gauges
   * and the JSON result has no latency figures.
   */
  setLatency(histograms: () => LatencyHistograms, percentiles: readonly Percentile[]): void {
    this.#latencyHistograms = histograms;
    this.#percentiles = percentiles;
    this.recorder?.setLatency(histograms, percentiles);
  }

  /** The percentiles set by {@link setLatency}. */
  get percentiles(): readonly Percentile[] {
    return this.#percentiles;
  }

  /** Startup: the all-zero StatsD batch, then a tick every 0.25 s. */
  start(counters: () => Float64Array): void {
    const now = performance.now();
    this.#counters = counters;
    this.statsd?.start(counters(), now);
    this.recorder?.start(counters(), now);
    if (!this.statsd && !this.recorder) return;
    this.#timer = setInterval(() => this.#tick(), OUTPUT_TICK_MS);
  }

  #tick(): void {
    const now = performance.now();
    const counters = this.#counters();
    this.statsd?.tick(counters, now);
    this.recorder?.tick(counters, now);
  }

  /** The steady phase begins. */
  steady(): void {
    this.recorder?.steady();
  }

  /** After the report: the all-zero StatsD batch and the JSON file. */
  async finish(end: RunEnd): Promise<void> {
    clearInterval(this.#timer);
    this.statsd?.finish();
    this.#reported = end;
    this.#write(end);
    await this.statsd?.close();
  }

  /**
   * A started run ends without (or after) its report: the JSON file, written
   * at once since the process exits next. After a report, the report's
   * figures stay and the stop's reason lines are appended.
   */
  stop(stop: RunStop): void {
    clearInterval(this.#timer);
    const reported = this.#reported;
    this.#write(
      reported
        ? { ...reported, status: stop.status, reason: [...reported.reason, ...stop.reason] }
        : { ...stop, reportLines: [], messageRate: this.#plan.latency.messageMarker },
    );
  }

  /** Ends without the final batch (fatal errors, --message-stop). */
  async abort(): Promise<void> {
    clearInterval(this.#timer);
    await this.statsd?.close();
  }

  #write(end: Omit<ResultInput, "plan" | "recorder">): void {
    const file = this.#plan.outputs.jsonFile;
    if (!file || !this.recorder) return;
    const result = buildResult({ plan: this.#plan, recorder: this.recorder, ...end });
    try {
      writeResult(file, result);
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      this.#stderr(`${file}: ${(error as Error).message}\n`);
    }
  }
}

const BOLD = "\x1b[1m";
const SGR_RESET = "\x1b(B\x1b[m";
const BLUE = "\x1b[34m";

/**
 * tcpkali's `--message-stop` exit lines: stderr
 * `Last packet(<n>): [<chunk>]`, stdout `Found --message-stop="<S>", aborting.`;
 * on a terminal the brackets are blue and the match bold.
 */
export function messageStopLines(
  stop: Uint8Array,
  hit: { chunk: Uint8Array; matchEnd: number },
  color: boolean,
): { stderr: string; stdout: string } {
  const { chunk, matchEnd } = hit;
  const quotedStop = escapeBytes(stop, { escapeQuotes: true });
  if (!color) {
    return {
      stderr: `Last packet(${chunk.length}): [${escapeBytes(chunk)}]`,
      stdout: `Found --message-stop="${quotedStop}", aborting.`,
    };
  }
  const matchStart = Math.max(0, matchEnd - stop.length);
  const body = escapeBytes(chunk.subarray(0, matchStart)) + BOLD +
    escapeBytes(chunk.subarray(matchStart, matchEnd)) + SGR_RESET +
    escapeBytes(chunk.subarray(matchEnd));
  return {
    stderr: `Last packet(${chunk.length}): ${BLUE}[${SGR_RESET}${body}${BLUE}]${SGR_RESET}`,
    stdout: `Found --message-stop="${BOLD}${quotedStop}${SGR_RESET}", aborting.`,
  };
}
