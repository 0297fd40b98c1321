/**
 * The messages between the main thread and engine workers. Only these,
 * and compact counter snapshots, cross threads.
 *
 * @module
 */
import type { RunPlan } from "../plan.ts";
import type { AlarmSlot } from "./alarm_clock.ts";
import type { LatencyDeltas } from "./latency_recorder.ts";

/** One worker's share of the run. */
export interface WorkerSlice {
  plan: RunPlan;
  index: number;
  /** Outgoing connections this worker keeps open (at the start, with stages). */
  connections: number;
  /** Whether this worker opens outgoing connections at all. */
  connects: boolean;
  /** This worker's share of the connect rate. */
  connectRate: number;
  /** Whether this worker owns the listening sockets. */
  listens: boolean;
  /** Process-wide count of the uids taken so far (Int32 at index 0), shared by the workers. */
  uidCounter: SharedArrayBuffer;
  /**
   * This worker's counters (Float64 per counter index), shared so that the
   * main thread reads every worker at the same instant when the run ends.
   */
  counters: SharedArrayBuffer;
  /** Prefix for log lines: clear-to-end-of-line when a live line is drawn. */
  logPrefix: string;
  /** This worker's slot of the precise alarm (paced runs); null: timers only. */
  alarm: AlarmSlot | null;
}

/** Main thread to worker. */
export type ToWorker =
  | { type: "init"; slice: WorkerSlice }
  | { type: "start" }
  /** Freeze: report final counters, stop sending, keep sockets open. */
  | { type: "stop" }
  /** Close every socket (after all workers have frozen). */
  | { type: "close" }
  /**
   * New per-connection message rate (`-r @` search, `--stage`); `afresh`:
   * pacing restarts owing nothing; with an `epoch`, message latency
   * restarts as that epoch.
   */
  | { type: "rate"; perSecond: number; afresh?: boolean; epoch?: number }
  /** `--stage`: the outgoing connections this worker keeps. */
  | { type: "connections"; count: number };

/** Worker to main thread. */
export type FromWorker =
  | { type: "ready" }
  | { type: "fatal"; lines: string[]; exitCode: number }
  | { type: "snapshot"; latency?: LatencyDeltas }
  /**
   * The share is up: connected (and upgraded, with --ws), or out of
   * descriptors; `at` is when (performance.timeOrigin + now, in ms).
   */
  | { type: "ramped"; at: number }
  /** Frozen: the last latency deltas (counters are read from shared memory). */
  | { type: "final"; latency?: LatencyDeltas }
  | { type: "closed" }
  /** A line for stderr that the run prints once, however many workers send it. */
  | { type: "notice"; line: string }
  /** --message-stop matched: `chunk` is the read holding the match's end. */
  | { type: "messageStop"; chunk: Uint8Array; matchEnd: number };
