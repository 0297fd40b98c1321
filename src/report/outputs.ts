/**
 * A run's outputs besides the text report: StatsD batches (fed by the
 * run's 0.25 s samples), the `--json` result, written however a run ends
 * (report, --message-stop or fatal error), and the `--message-stop` exit
 * lines.
 *
 * @module
 */
import { escapeBytes } from "../content/printable.ts";
import type { RunPlan } from "../plan.ts";
import type { LatencyHistograms } from "../stats/latency_kinds.ts";
import type { RunSample } from "../stats/result.ts";
import { buildResult, cannotWrite, type ResultInput, writeResult } from "./json_result.ts";
import { StatsdSender } from "./statsd_sender.ts";

/** StatsD and the JSON result of one run. */
export class RunOutputs {
  readonly statsd: StatsdSender | null;
  readonly #plan: RunPlan;
  readonly #stderr: (text: string) => void;
  /** The run's merged histograms, as of the latest sample. */
  #histograms: LatencyHistograms = {};

  constructor(plan: RunPlan, stderr: (text: string) => void) {
    this.#plan = plan;
    this.#stderr = stderr;
    const o = plan.outputs;
    const l = plan.latency;
    const latencyOn = l.connect || l.firstByte || l.marker !== null || l.messageMarker;
    this.statsd = o.statsd
      ? new StatsdSender(o.statsd, {
        latencyWindowMs: o.statsdLatencyWindowMs,
        latency: latencyOn
          ? { histograms: () => this.#histograms, percentiles: l.percentiles }
          : null,
      })
      : null;
  }

  /** Startup: the all-zero StatsD batch. */
  started(counters: Float64Array, now: number): void {
    this.statsd?.start(counters, now);
  }

  /** Every 0.25 s: a StatsD batch. */
  sample(sample: RunSample): void {
    const { connect, firstbyte, message } = sample.histograms;
    this.#histograms = { connect, firstbyte, message };
    this.statsd?.tick(sample.counters, sample.now);
  }

  /**
   * The run is over: the all-zero StatsD batch after a report (none after a
   * failure), then the JSON file. Returns false when the JSON file could not
   * be written (said on stderr).
   */
  async finish(input: Omit<ResultInput, "plan">): Promise<boolean> {
    if (input.result.reported && !input.result.failure) this.statsd?.finish();
    const written = this.#write({ plan: this.#plan, ...input });
    await this.statsd?.close();
    return written;
  }

  #write(input: ResultInput): boolean {
    const file = this.#plan.outputs.jsonFile;
    if (!file) return true;
    try {
      writeResult(file, buildResult(input));
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      this.#stderr(cannotWrite(file, error) + "\n");
      return false;
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
