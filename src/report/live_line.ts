/**
 * tcpkali's live display on a terminal: the ramp-up ribbon and the steady
 * traffic line, both redrawn in place on stderr.
 *
 * @module
 */
import { C } from "../stats/counters.ts";

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
  return `${clock}Traffic ${t.mbpsIn.toFixed(3)}↓, ${
    t.mbpsOut.toFixed(3)
  }↑ Mbps ${conns}${t.latency}`;
}
