/**
 * tcpkali's live display on a terminal: the ramp-up ribbon and the steady
 * traffic line, both redrawn in place on stderr.
 *
 * @module
 */
import { C } from "../stats/counters.ts";
import type { RunSample } from "../stats/result.ts";
import { MESSAGES, TrafficRates } from "../stats/traffic_rates.ts";
import { liveLatencyGroup } from "./latency_lines.ts";

/** Clear to end of line (xterm `el`). */
export const CLEAR_EOL = "\x1b[K";
/** Hide and show the cursor (xterm `civis` / `cnorm`). */
export const HIDE_CURSOR = "\x1b[?25l";
export const SHOW_CURSOR = "\x1b[?12l\x1b[?25h";

const CLOCKS = ["🕛", "🕐", "🕑", "🕒", "🕓", "🕔", "🕕", "🕖", "🕗", "🕘", "🕙", "🕚"];

/** The ramp-up ribbon: `|====>----| 2 of 10 (4)`, or null if it does not fit. */
export function rampRibbon(counters: Float64Array, target: number, columns: number): string {
  const established = counters[C.openOut];
  const seen = counters[C.initiated] + counters[C.accepted];
  const info = `| ${established} of ${target} (${seen})`;
  const width = Math.min(columns - info.length - 1, Math.floor(0.6 * columns), 50);
  if (width < 5) return info;
  const at = 1 + Math.floor(((width - 2) * established) / Math.max(1, target));
  let ribbon = "|";
  for (let i = 1; i < width; i++) ribbon += i < at ? "=" : i === at ? ">" : "-";
  return ribbon + info;
}

/** Inputs of one steady-phase line. */
export interface LiveTraffic {
  counters: Float64Array;
  /** Megabits per second received and sent. */
  mbpsIn: number;
  mbpsOut: number;
  /** Fraction of the run elapsed (0..1), or null for an endless run. */
  progress: number | null;
  utf8: boolean;
  /** Latency group such as ` (c=0.1 ms⁹⁵ᵖ)`; empty without latency options. */
  latency: string;
  /** `--stage`: the stage running (from 0) and how many there are. */
  stage?: { index: number; count: number } | null;
}

/** The steady-phase line (without the trailing clear and carriage return). */
export function trafficLine(t: LiveTraffic): string {
  const c = t.counters;
  const clock = t.utf8
    ? CLOCKS[
      t.progress === null ? 0 : Math.min(11, Math.max(0, Math.floor(t.progress * 12)))
    ] + "  "
    : "";
  const seen = c[C.initiated] + c[C.accepted];
  const conns = t.latency
    ? `(${c[C.openIn]}↓ ${c[C.openOut]}↑ ${c[C.connecting]}⇡; ${seen})`
    : `(conns ${c[C.openIn]}↓ ${c[C.openOut]}↑ ${c[C.connecting]}⇡; seen ${seen})`;
  const stage = t.stage ? ` [stage ${t.stage.index + 1}/${t.stage.count}]` : "";
  return `${clock}Traffic ${t.mbpsIn.toFixed(3)}↓, ${
    t.mbpsOut.toFixed(3)
  }↑ Mbps ${conns}${t.latency}${stage}`;
}

/** Where the live display draws, and how. */
export interface LiveOptions {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Connections the ramp-up ribbon counts towards. */
  connections: number;
  columns: number;
  utf8: boolean;
  /** Marker mode: the steady line shows message rates. */
  messageRate: boolean;
}

/**
 * The live display on a terminal: the ramp-up ribbon, then the steady
 * traffic line with its message-rate and latency groups, redrawn in place
 * on every sample.
 */
export class LiveDisplay {
  readonly #options: LiveOptions;
  #bytes: TrafficRates | null = null;
  #messages: TrafficRates | null = null;

  constructor(options: LiveOptions) {
    this.#options = options;
  }

  /** The workers were told to start: hide the cursor. */
  started(): void {
    this.#options.stdout(HIDE_CURSOR);
  }

  /** The steady phase began: rates count from `baseline`. */
  steady(baseline: Float64Array, now: number): void {
    this.#bytes = new TrafficRates(baseline, now);
  }

  /** Redraws the line from one sample. */
  draw(sample: RunSample): void {
    const o = this.#options;
    if (sample.phase === "ramp-up" || !this.#bytes) {
      o.stderr(`${rampRibbon(sample.counters, o.connections, o.columns)}${CLEAR_EOL}\r`);
      return;
    }
    const { now, counters } = sample;
    this.#bytes.update(counters, now);
    const line = trafficLine({
      counters,
      mbpsIn: this.#bytes.mbpsIn(now),
      mbpsOut: this.#bytes.mbpsOut(now),
      progress: sample.progress,
      utf8: o.utf8,
      latency: this.#groups(sample),
      stage: sample.stage,
    });
    o.stderr(line + `${CLEAR_EOL}\r`);
  }

  /** Clears the line for the report and shows the cursor again. */
  finish(): void {
    this.#options.stderr(CLEAR_EOL);
  }

  /** Restores the cursor (the run is over, however it ended). */
  restoreCursor(): void {
    this.#options.stdout(SHOW_CURSOR);
  }

  /** ` (R↓ S↑ mps)` in marker mode, then the latency group; "" without latency. */
  #groups(sample: RunSample): string {
    const { histograms, counters, now } = sample;
    if (Object.keys(histograms).length === 0) return "";
    let groups = "";
    if (this.#options.messageRate) {
      // Averages start with the steady phase's first sample.
      this.#messages ??= new TrafficRates(counters, now, MESSAGES);
      this.#messages.update(counters, now);
      const rates = this.#messages;
      groups += ` (${rates.inPerSecond(now).toFixed(0)}↓ ${
        rates.outPerSecond(now).toFixed(0)
      }↑ mps)`;
    }
    const { connect, firstbyte, message } = histograms;
    return groups + liveLatencyGroup({ connect, firstbyte, message });
  }
}
