/**
 * Traffic dumps (`-d`, `--dump-one[-in|-out]`, `--dump-all[-in|-out]`):
 * one stderr line per successful read or write, in tcpkali's format
 * (`Snd(<id>, <n>): [<escaped>]`), and the `-vv` worker-exit line
 * `Last received bytes (<n>): [...]`.
 *
 * "One connection" is, per tcpkali, the first outgoing connection of worker
 * 0, or, when there are no destinations, the first connection accepted by
 * the worker that listens (kali keeps listeners on one worker); when it
 * closes, the next new such connection is dumped.
 *
 * @module
 */
import type { Connection, TrafficTap } from "./connection.ts";
import type { DumpPlan } from "../plan.ts";
import { dumpLine, escapeBytes } from "../content/printable.ts";

/** How dumps are written. */
export interface DumpOptions {
  /** This worker's index and the number of workers (for unique ids). */
  workerIndex: number;
  workers: number;
  /** Whether this worker is the one whose "one connection" is dumped. */
  dumpsOne: boolean;
  /** Outgoing (destinations given) or accepted connections are "the one". */
  oneIsOutgoing: boolean;
  /** Colour the brackets (stderr is a terminal). */
  color: boolean;
  /** Prefix for every line (clear-to-EOL with a live display). */
  prefix: string;
  /** Writes one line, newline included. */
  write(text: string): void;
}

const SGR_RESET = "\x1b(B\x1b[m";

/** A line with the brackets coloured as tcpkali does on a terminal. */
export function coloredDumpLine(direction: "Snd" | "Rcv", id: number, bytes: Uint8Array): string {
  const color = direction === "Snd" ? "\x1b[31m" : "\x1b[34m";
  return `${direction}(${id}, ${bytes.length}): ${color}[${SGR_RESET}${
    escapeBytes(bytes)
  }${color}]${SGR_RESET}`;
}

/** Hands out dump taps for a worker's new connections. */
export class TrafficDumper {
  readonly #plan: DumpPlan;
  readonly #options: DumpOptions;
  #oneTaken = false;
  #count = 0;

  constructor(plan: DumpPlan, options: DumpOptions) {
    this.#plan = plan;
    this.#options = options;
  }

  /** Whether any dump was asked for. */
  static wanted(plan: DumpPlan): boolean {
    return plan.oneIn || plan.oneOut || plan.allIn || plan.allOut;
  }

  /** The tap for a new connection, or null when nothing of it is dumped. */
  tapFor(outgoing: boolean): TrafficTap | null {
    const plan = this.#plan;
    const o = this.#options;
    let dumpIn = plan.allIn;
    let dumpOut = plan.allOut;
    let isOne = false;
    if (
      (plan.oneIn || plan.oneOut) && o.dumpsOne && !this.#oneTaken &&
      outgoing === o.oneIsOutgoing
    ) {
      isOne = true;
      this.#oneTaken = true;
      dumpIn ||= plan.oneIn;
      dumpOut ||= plan.oneOut;
    }
    if (!dumpIn && !dumpOut) return null;
    const id = this.#count++ * o.workers + o.workerIndex + 1;
    const line = o.color ? coloredDumpLine : dumpLine;
    const tap: TrafficTap = {
      closed: (_c: Connection) => {
        if (isOne) this.#oneTaken = false;
      },
    };
    if (dumpIn) {
      tap.received = (_c, bytes, n) =>
        o.write(`${o.prefix}${line("Rcv", id, bytes.subarray(0, n))}\n`);
    }
    if (dumpOut) {
      tap.sent = (_c, bytes, from, to) =>
        o.write(`${o.prefix}${line("Snd", id, bytes.subarray(from, to))}\n`);
    }
    return tap;
  }
}

/** Longest tail shown by `Last received bytes`. */
export const LAST_RECEIVED_SHOWN = 1500;

/**
 * Remembers a worker's last non-empty read chunk (its last 1500 bytes and
 * its full length) without allocating, for the `-vv` exit line.
 */
export class LastReceived {
  readonly #tail = new Uint8Array(LAST_RECEIVED_SHOWN);
  #kept = 0;
  #length = 0;

  /** A tap that records every read of the connection it is given to. */
  readonly tap: TrafficTap = {
    received: (_c, bytes, n) => {
      if (n === 0) return;
      const from = n > LAST_RECEIVED_SHOWN ? n - LAST_RECEIVED_SHOWN : 0;
      this.#tail.set(bytes.subarray(from, n));
      this.#kept = n - from;
      this.#length = n;
    },
  };

  /** `Last received bytes (<n>): [...]`, or null if nothing was read. */
  line(): string | null {
    if (this.#length === 0) return null;
    const cut = this.#length > LAST_RECEIVED_SHOWN ? "..." : "";
    return `Last received bytes (${this.#length}): ${cut}[${
      escapeBytes(this.#tail.subarray(0, this.#kept))
    }]`;
  }
}
