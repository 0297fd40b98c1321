/**
 * The traffic taps of the output options, per worker: dumps,
 * `--message-stop`, and the `-vv` `Last received bytes` line. The engine
 * asks for a new connection's taps and, at exit, for the extra lines.
 *
 * @module
 */
import { LastReceived, TrafficDumper } from "./dump.ts";
import type { TrafficTap } from "./connection.ts";
import { type MessageStopHit, messageStopTap, StreamSearch } from "./message_stop.ts";
import type { WorkerSlice } from "./worker_protocol.ts";

const encoder = new TextEncoder();

/** Writes all of `text` to stderr, synchronously. */
export function writeStderr(text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(Deno.stderr.writeSync(bytes));
}

/** Per-worker taps for dumps, --message-stop and the last-received line. */
export class OutputTaps {
  readonly #slice: WorkerSlice;
  readonly #dumper: TrafficDumper | null;
  readonly #search: StreamSearch | null;
  readonly #last: LastReceived | null;
  #stopped = false;
  /** Called once, on the first --message-stop match in this worker. */
  onMessageStop: (hit: MessageStopHit) => void = () => {};

  constructor(slice: WorkerSlice) {
    this.#slice = slice;
    const plan = slice.plan;
    const outputs = plan.outputs;
    const hasDestinations = plan.destinations.length > 0;
    this.#dumper = TrafficDumper.wanted(outputs.dump)
      ? new TrafficDumper(outputs.dump, {
        workerIndex: slice.index,
        workers: plan.workers,
        dumpsOne: hasDestinations ? slice.index === 0 : slice.listens,
        oneIsOutgoing: hasDestinations,
        color: Deno.stderr.isTerminal(),
        prefix: slice.logPrefix,
        write: writeStderr,
      })
      : null;
    this.#search = outputs.messageStop ? new StreamSearch(outputs.messageStop) : null;
    this.#last = plan.verbosity >= 2 ? new LastReceived() : null;
  }

  /** The taps of a new connection (possibly none). */
  tapsFor(outgoing: boolean): TrafficTap[] {
    const taps: TrafficTap[] = [];
    const dump = this.#dumper?.tapFor(outgoing);
    if (dump) taps.push(dump);
    // Silent accepted connections are not scanned, as in tcpkali.
    const scanned = outgoing || this.#slice.plan.listenMode === "active";
    if (this.#search && scanned) {
      taps.push(messageStopTap(this.#search, (hit) => {
        if (this.#stopped) return;
        this.#stopped = true;
        this.onMessageStop(hit);
      }));
    }
    if (this.#last) taps.push(this.#last.tap);
    return taps;
  }

  /** Lines for the end of the `-vv` worker-exit block. */
  exitLines(): string[] {
    const line = this.#last?.line();
    return line ? [line] : [];
  }
}
