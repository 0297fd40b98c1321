/**
 * A run's outputs besides the text report: StatsD batches (fed by the
 * run's 0.25 s samples), the HdrHistogram interval log (one interval per
 * series point, written as it comes), and at the end the `--json` result
 * (to a file or stdout) and the `--html` page, written however a run ends
 * (report, --message-stop or fatal error); and the `--message-stop` exit
 * lines.
 *
 * @module
 */
import { escapeBytes } from "../content/printable.ts";
import { EXIT, UsageError } from "../errors.ts";
import { cannotWrite, type OutputOption } from "./output_files.ts";
import type { RunPlan } from "../plan.ts";
import { measuredKinds } from "../stats/latency_kinds.ts";
import type { LatencyHistograms } from "../stats/latency_kinds.ts";
import type { RunSample } from "../stats/result.ts";
import type { SeriesPoint } from "../stats/series.ts";
import type { HdrLogFile } from "./hdr_log.ts";
import type { ResultInput } from "./json_result.ts";
import type { StatsdSender } from "./statsd_sender.ts";

/** Where the outputs write: `stdout` takes `--json -`. */
export interface OutputStreams {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * The modules of the outputs a run asks for, null where it does not: a
 * plain run loads none of them. StatsD's socket is node:dgram's, which
 * loads Deno's Node compatibility layer; the JSON result, the HTML page
 * (uPlot's script inside) and the interval log are code (and resident
 * memory) that only their options need.
 */
interface OutputModules {
  statsd: typeof import("./statsd_sender.ts") | null;
  hdrLog: typeof import("./hdr_log.ts") | null;
  json: typeof import("./json_result.ts") | null;
  html: typeof import("./html_report.ts") | null;
}

/** StatsD, the interval log, the JSON result and the HTML page of one run. */
export class RunOutputs {
  readonly statsd: StatsdSender | null;
  readonly #plan: RunPlan;
  readonly #streams: OutputStreams;
  readonly #hdrLog: HdrLogFile | null;
  readonly #modules: OutputModules;
  /** The run's merged histograms, as of the latest sample. */
  #histograms: LatencyHistograms = {};

  /** Imports the modules of the outputs `plan` asks for, then opens them. */
  static async open(plan: RunPlan, streams: OutputStreams): Promise<RunOutputs> {
    const o = plan.outputs;
    const [statsd, hdrLog, json, html] = await Promise.all([
      o.statsd ? import("./statsd_sender.ts") : null,
      o.hdrLogFile !== null ? import("./hdr_log.ts") : null,
      o.jsonFile !== null ? import("./json_result.ts") : null,
      o.htmlFile !== null ? import("./html_report.ts") : null,
    ]);
    return new RunOutputs(plan, streams, { statsd, hdrLog, json, html });
  }

  /** Opens the interval log (a file that cannot be created stops the run before any traffic). */
  private constructor(plan: RunPlan, streams: OutputStreams, modules: OutputModules) {
    this.#plan = plan;
    this.#streams = streams;
    this.#modules = modules;
    const o = plan.outputs;
    const l = plan.latency;
    const latencyOn = l.connect || l.firstByte || l.marker !== null || l.messageMarker;
    this.statsd = o.statsd && modules.statsd
      ? new modules.statsd.StatsdSender(o.statsd, {
        latencyWindowMs: o.statsdLatencyWindowMs,
        latency: latencyOn
          ? { histograms: () => this.#histograms, percentiles: l.percentiles }
          : null,
      })
      : null;
    this.#hdrLog = o.hdrLogFile !== null && modules.hdrLog
      ? openHdrLog(modules.hdrLog.HdrLogFile, o.hdrLogFile, plan)
      : null;
  }

  /** Startup: the all-zero StatsD batch and the interval log's header. */
  started(counters: Float64Array, now: number, startMs: number): void {
    this.statsd?.start(counters, now);
    this.#hdrLog?.start(startMs);
  }

  /** Every 0.25 s: a StatsD batch. */
  sample(sample: RunSample): void {
    const { connect, firstbyte, message } = sample.histograms;
    this.#histograms = { connect, firstbyte, message };
    this.statsd?.tick(sample.counters, sample.now);
  }

  /** Every series point: its interval log lines. */
  point(point: SeriesPoint): void {
    this.#hdrLog?.point(point);
  }

  /**
   * The run is over: the all-zero StatsD batch after a report (none after a
   * failure), the interval log closed, then the JSON result and the HTML
   * page. Returns false when a file could not be written (said on stderr).
   */
  async finish(input: ResultInput): Promise<boolean> {
    if (input.result.reported && !input.result.failure) this.statsd?.finish();
    this.#hdrLog?.close();
    const o = this.#plan.outputs;
    const { json, html } = this.#modules;
    let written = true;
    if (o.jsonFile !== null && json) {
      const text = json.resultText(json.buildResult(input));
      if (o.jsonFile === "-") this.#streams.stdout(text);
      else written = this.#write("--json", o.jsonFile, () => text);
    }
    if (o.htmlFile !== null && html) {
      written = this.#write("--html", o.htmlFile, () => html.htmlReport(input)) && written;
    }
    await this.statsd?.close();
    return written;
  }

  #write(option: OutputOption, file: string, text: () => string): boolean {
    try {
      Deno.writeTextFileSync(file, text());
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      this.#streams.stderr(cannotWrite(option, file, error) + "\n");
      return false;
    }
  }
}

function openHdrLog(Log: typeof HdrLogFile, file: string, plan: RunPlan): HdrLogFile {
  try {
    return new Log(file, {
      kinds: measuredKinds(plan.latency),
      messageMarker: plan.latency.messageMarker,
    });
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(cannotWrite("--hdr-log", file, error), EXIT.cantCreate);
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
