/**
 * A worker's latency measurements: the histograms (integer µs), the
 * traffic taps that feed them, and the deltas posted to the main thread.
 *
 * - connect: from just before connect() to established (outgoing only);
 * - first byte: from connection creation (connect start or accept) to the
 *   first read of at least one byte;
 * - message, `--latency-marker`: a FIFO of send times per sending
 *   connection, one entry when a repeated message's first byte leaves,
 *   popped per marker found in the received stream;
 * - message, marker mode: the send time carried in each received
 *   `\{message.marker}`;
 * - corrected (kali only, paced `--latency-marker` runs): the same
 *   answers timed from when the pacer meant each message to leave, so a
 *   stalled peer is charged for the messages it kept from being sent.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { connectionLiteralFor } from "../content/template.ts";
import { Random } from "../content/random.ts";
import type { MessageSource } from "../content/types.ts";
import type { LatencyPlan } from "../plan.ts";
import {
  type MeasuredHistograms,
  measuredHistograms,
  type MeasuredKind,
} from "../stats/latency_kinds.ts";
import { C } from "../stats/counters.ts";
import { type HistogramDelta, LatencyHistogram } from "../stats/histogram.ts";
import { percentileTable, workerLatencySummary } from "../stats/latency_table.ts";
import type { Connection, SendWindow, TrafficTap } from "./connection.ts";
import { type ClosedLoopOptions, ResponseWindow } from "./closed_loop.ts";
import { FIFO_LIMIT, SendTimeFifo } from "./latency_fifo.ts";
import { MarkerScanner } from "./marker_scanner.ts";
import { MarkerTimestampReader } from "./marker_timestamps.ts";

/** Histogram deltas of one snapshot, by kind; `epoch` tags the message rate in force. */
export interface LatencyDeltas {
  /** Rate epoch (bumped by each `-r @` rate change) of the message samples. */
  epoch: number;
  deltas: Partial<Record<MeasuredKind, HistogramDelta>>;
}

/** A new connection's latency taps and, with `--closed-loop`, its send window. */
export interface LatencyTaps {
  taps: TrafficTap[];
  window: SendWindow | null;
}

/** Where fatal measurement errors go (the worker reports them and the run ends). */
export type FatalSink = (error: UsageError) => void;

const MORE_RECEIVED = [
  "More messages received than sent. Choose a different --latency-marker.",
  "Use -d option to dump received message data.",
];
const TOO_FAST = [
  "Sending messages too fast, not receiving them back fast enough.",
  "Check that the --latency-marker data is being received back.",
  "Use -d option to dump received message data.",
];

/** A connection's send progress through repeated messages of `size` bytes. */
class MessageCounter {
  /** Bytes of the current message already sent (0: the next byte starts one). */
  into = 0;
  constructor(readonly size: number) {}

  /** Offset (in a write of n bytes) of the first message start, or n if none. */
  firstStart(): number {
    return this.into === 0 ? 0 : this.size - this.into;
  }

  advance(n: number): void {
    this.into = (this.into + n) % this.size;
  }
}

/** Times the first byte of every connection (outgoing and accepted). */
class FirstByteTap implements TrafficTap {
  readonly inspectsBytes = false;
  #pending = true;
  constructor(readonly histogram: LatencyHistogram, readonly createdAt: number) {}

  received(_connection: Connection, _bytes: Uint8Array, n: number, now: number): void {
    if (!this.#pending || n <= 0) return;
    this.#pending = false;
    this.histogram.record((now - this.createdAt) * 1000);
  }
}

/**
 * `--latency-marker`: send-time FIFO and marker scan of one sending
 * connection. Counts messages sent (`requests`) and answered (`responses`).
 */
export class LatencyMarkerTap implements TrafficTap {
  readonly #recorder: WorkerLatency;
  readonly #block: MessageSource;
  readonly #scanner: MarkerScanner;
  readonly #fifo = new SendTimeFifo(64);
  readonly #messages: MessageCounter;
  readonly #counters: Float64Array;
  #skip: number;
  /** `--closed-loop`: how many messages may await their marker; null: any number. */
  readonly window: ResponseWindow | null;

  constructor(recorder: WorkerLatency, source: MessageSource, marker: Uint8Array, skip: number) {
    this.#recorder = recorder;
    this.#counters = recorder.counters;
    this.#block = source;
    this.#scanner = new MarkerScanner(marker);
    this.#messages = new MessageCounter(source.messageSize);
    this.#skip = skip;
    const loop = recorder.closedLoop;
    this.window = loop === null
      ? null
      : new ResponseWindow(this.#fifo, this.#messages, { ...loop, counters: recorder.counters });
  }

  sent(connection: Connection, bytes: Uint8Array, from: number, to: number, now: number): void {
    if (bytes !== this.#block.block) return; // first messages are never timed
    const n = to - from;
    const size = this.#messages.size;
    const fifo = this.#fifo;
    const before = fifo.length;
    for (let at = this.#messages.firstStart(); at < n; at += size) {
      const intended = connection.intendedSendTime(at);
      fifo.push(now, intended < now ? intended : now);
    }
    this.#messages.advance(n);
    this.#counters[C.requests] += fifo.length - before;
    this.window?.sent(connection);
    if (fifo.length > FIFO_LIMIT) {
      fifo.clear();
      this.#recorder.fail(TOO_FAST);
    }
  }

  received(connection: Connection, bytes: Uint8Array, n: number, now: number): void {
    const scanner = this.#scanner;
    const recorder = this.#recorder;
    const window = this.window;
    let answered = 0;
    let at = 0;
    for (;;) {
      const end = scanner.next(bytes, at, n);
      if (end < 0) break;
      at = end;
      if (this.#skip > 0) {
        this.#skip--;
        continue;
      }
      if (window !== null && window.late > 0) {
        window.late--; // the answer to a message given up on
        continue;
      }
      const sent = this.#fifo.shift();
      if (sent !== sent) { // NaN: nothing outstanding
        recorder.fail(MORE_RECEIVED);
        break;
      }
      answered++;
      // A message sent before the current rate epoch began does not count for it.
      if (sent >= recorder.epochStartedAt) {
        recorder.recordMessage(now - sent, now - this.#fifo.lastIntended);
      }
    }
    if (answered === 0) return;
    this.#counters[C.responses] += answered;
    window?.answered(connection, now);
  }
}

/** Marker mode: reads `\{message.marker}` send times; counts messages both ways. */
class MessageMarkerTap implements TrafficTap {
  readonly #recorder: WorkerLatency;
  readonly #counters: Float64Array;
  readonly #reader = new MarkerTimestampReader();
  readonly #source: MessageSource | null;
  readonly #messages: MessageCounter | null;
  #nowMicros = 0;
  /** A run of markers with one send time; all found in one read share `now`. */
  readonly #found = (epochMicros: number, count: number) => {
    // Sent before the current rate epoch began: it does not count for it.
    if (epochMicros < this.#recorder.epochStartedMicros) return;
    const micros = this.#nowMicros - epochMicros;
    this.#recorder.recordMessages(micros > 0 ? micros : 0, count);
  };

  constructor(recorder: WorkerLatency, counters: Float64Array, source: MessageSource | null) {
    this.#recorder = recorder;
    this.#counters = counters;
    const repeats = source !== null && source.messageSize > 0 && source.block.length > 0;
    this.#source = repeats ? source : null;
    this.#messages = repeats ? new MessageCounter(source.messageSize) : null;
  }

  sent(_connection: Connection, bytes: Uint8Array, from: number, to: number): void {
    const messages = this.#messages;
    if (messages === null || bytes !== this.#source!.block) return;
    const n = to - from;
    const first = messages.firstStart();
    if (first < n) {
      this.#counters[C.messagesSent] += 1 + Math.floor((n - 1 - first) / messages.size);
    }
    messages.advance(n);
  }

  received(_connection: Connection, bytes: Uint8Array, n: number, now: number): void {
    this.#nowMicros = Math.round((performance.timeOrigin + now) * 1000);
    this.#counters[C.messagesReceived] += this.#reader.feed(bytes, 0, n, this.#found);
  }
}

/** The latency side of one worker engine. */
export class WorkerLatency {
  readonly plan: LatencyPlan;
  readonly histograms: MeasuredHistograms;
  /** Rate epoch: bumped when `-r @` changes the message rate. */
  epoch = 0;
  /** When the current epoch began (performance.now() ms). */
  epochStartedAt = -Infinity;
  /** The same, in microseconds since the Unix epoch (marker timestamps). */
  epochStartedMicros = -Infinity;
  /** The worker's counters. */
  readonly counters: Float64Array;
  /** `--closed-loop` settings and the worker's scheduler (for timeouts); null: open loop. */
  closedLoop: Omit<ClosedLoopOptions, "counters"> | null = null;
  #fatal: FatalSink;
  #failed = false;
  /** Messages whose latency exceeded 100 s (not recordable). */
  tooLarge = 0;
  readonly #pointerBase: number;
  /** The `--latency-marker` bytes when they do not depend on the connection. */
  #sharedMarker: Uint8Array | null = null;
  /** Draws a marker's `connection.re`. */
  readonly #random = new Random();

  /** `pointerBase`: the run's, so a marker's `connection.ptr` matches the content's. */
  constructor(plan: LatencyPlan, counters: Float64Array, fatal: FatalSink, pointerBase = 0) {
    this.plan = plan;
    this.counters = counters;
    this.#fatal = fatal;
    this.#pointerBase = pointerBase;
    if (plan.marker !== null && !plan.marker.perConnection) {
      this.#sharedMarker = connectionLiteralFor(plan.marker, 0, pointerBase, this.#random);
    }
    this.histograms = measuredHistograms(plan);
  }

  /** Whether the `--latency-marker` names its connection, so connections need a uid. */
  get markerNeedsUid(): boolean {
    return this.plan.marker?.perConnection ?? false;
  }

  /** Whether any latency is measured. */
  get active(): boolean {
    return Object.keys(this.histograms).length > 0;
  }

  /** An outgoing connection that started connecting at `startedAt` is established at `now`. */
  connected(startedAt: number, now: number): void {
    this.histograms.connect?.record((now - startedAt) * 1000);
  }

  /**
   * The taps a new connection needs. `createdAt` is when the connection
   * started (connect start for outgoing, accept for incoming).
   */
  tapsFor(source: MessageSource | null, createdAt: number, uid: number): LatencyTaps {
    const taps: TrafficTap[] = [];
    let window: SendWindow | null = null;
    const plan = this.plan;
    if (this.histograms.firstbyte) {
      taps.push(new FirstByteTap(this.histograms.firstbyte, createdAt));
    }
    if (plan.messageMarker) {
      taps.push(new MessageMarkerTap(this, this.counters, source));
    } else if (
      plan.marker !== null && source !== null && source.messageSize > 0 && source.block.length > 0
    ) {
      const marker = this.#sharedMarker ??
        connectionLiteralFor(plan.marker, uid, this.#pointerBase, this.#random);
      const tap = new LatencyMarkerTap(this, source, marker, plan.markerSkip);
      taps.push(tap);
      window = tap.window;
    }
    return { taps, window };
  }

  /** Records one message latency (ms) and, if kept, its corrected twin (ms). */
  recordMessage(ms: number, correctedMs: number): void {
    const histograms = this.histograms;
    if (!histograms.message!.record(ms * 1000)) {
      this.tooLarge++;
      return;
    }
    if (histograms.corrected && correctedMs === correctedMs) {
      histograms.corrected.record(correctedMs * 1000);
    }
  }

  /** Records `count` message latencies of `micros` µs each (marker mode: no corrected twin). */
  recordMessages(micros: number, count: number): void {
    if (!this.histograms.message!.recordCount(micros, count)) this.tooLarge += count;
  }

  /** Ends the run with tcpkali's lines and exit 1 (once). */
  fail(lines: string[]): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#fatal(new UsageError(lines, 1));
  }

  /** Starts a new rate epoch: message histograms start afresh (`-r @`). */
  newEpoch(epoch: number): void {
    this.epoch = epoch;
    this.epochStartedAt = performance.now();
    this.epochStartedMicros = (performance.timeOrigin + this.epochStartedAt) * 1000;
    this.histograms.message?.reset();
    this.histograms.corrected?.reset();
  }

  /** The samples recorded since the previous call, or undefined if nothing is measured. */
  takeDeltas(): LatencyDeltas | undefined {
    if (!this.active) return undefined;
    const deltas: LatencyDeltas["deltas"] = {};
    for (const [kind, histogram] of Object.entries(this.histograms)) {
      deltas[kind as MeasuredKind] = histogram.takeDelta();
    }
    return { epoch: this.epoch, deltas };
  }
}

/**
 * The latency part of a worker's `-vv` exit block: connect and marker
 * summaries (tcpkali never lists first-byte latency here), each followed at
 * `-vvv` by its percentile table.
 */
export function workerLatencyBlock(latency: WorkerLatency, verbosity: number): string[] {
  const lines: string[] = [];
  const parts = [["connect", latency.histograms.connect], ["message", latency.histograms.message]];
  for (const [kind, histogram] of parts as ["connect" | "message", LatencyHistogram][]) {
    if (!histogram) continue;
    lines.push(...workerLatencySummary(kind, histogram));
    if (verbosity >= 3) lines.push(...percentileTable(histogram));
  }
  return lines;
}
