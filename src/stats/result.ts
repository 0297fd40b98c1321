/**
 * The result of a run: every counter, histogram, series point, status and
 * reason, as a value. The run produces it; every report (text, JSON,
 * StatsD's last batch) is computed from it.
 *
 * @module
 */
import type { Percentile, Stage } from "../plan.ts";
import type { LatencyHistogram } from "./histogram.ts";
import type { MeasuredHistograms } from "./latency_kinds.ts";
import type { RunSetup, Shard } from "./run_setup.ts";
import type { Phase, SeriesPoint } from "./series.ts";

/** How a run that reached its final report ended. */
export type ReportStatus =
  | "completed"
  | "interrupted"
  | "ramp-up-failed"
  | "rate-search-failed";

/** How a run ended without its report: `--message-stop` (exit 2) or a fatal error. */
export type StopStatus = "message-stop" | "failed";

/** How the run ended. */
export type RunStatus = ReportStatus | StopStatus;

/** A fatal error: the lines printed (stderr, then stdout) and the exit code. */
export interface RunFailure {
  lines: string[];
  exitCode: number;
  /** What goes to stdout after the lines. */
  stdout: string;
}

/** The data received when `--message-stop` matched. */
export interface MessageStopHit {
  /** The read holding the match's end. */
  chunk: Uint8Array;
  matchEnd: number;
}

/** One probe of a `-r @` search: a rate tried and what it measured. */
export interface ProbeRecord {
  /** Messages per second per connection. */
  rate: number;
  /** The measured percentile (ms); NaN without samples. */
  latencyMs: number;
  samples: number;
  seconds: number;
  /** Messages actually sent per second per connection. */
  sentRate: number;
  /** Whether the latency stayed under the bound. */
  met: boolean;
  /** Why it missed when the latency alone does not say (`sent only 800 msg/s`). */
  note: string;
}

/**
 * How a `-r @` search ended: `found` (converged), `timed-out` (-T came
 * first), `unmet` (no rate down to the floor met the bound). `best` is the
 * highest rate that met the bound, with its probe.
 */
export interface RateSearchVerdict {
  kind: "found" | "timed-out" | "unmet";
  best: ProbeRecord | null;
  /** Every probe, in order. */
  probes: ProbeRecord[];
  /** The percentile searched on (95, or the first `--latency-percentiles`). */
  percentile: Percentile;
  /** The bound as typed after `@` (`50ms`), and in ms. */
  target: string;
  targetMs: number;
}

/** What one `--stage` measured. */
export interface StageResult {
  /** The stage as planned. */
  stage: Stage;
  /** Seconds it lasted (the last one ends with the run). */
  durationSeconds: number;
  /** Counters over the stage (gauges: at its end). */
  counters: Float64Array;
  /** Message latency of answers received during the stage; null when not measured. */
  latency: LatencyHistogram | null;
}

/**
 * Connections a run could not keep: sockets not created for want of
 * descriptors, and WebSocket upgrades that failed (counted only when
 * connections were missing at the end).
 */
export interface ConnectionLoss {
  /** Connections the run was to keep (-c). */
  connections: number;
  socketErrors: number;
  upgradeFailures: number;
}

/** How a signal ended the run. */
export type Interrupt = "SIGINT" | "SIGTERM";

/** One run of those a merged result adds up. */
export interface ResultPart {
  host: string | null;
  shard: Shard | null;
  /** ISO 8601; null when the run never started. */
  startedAt: string | null;
  status: RunStatus;
  /**
   * Its own `-r @` search (absent: none, or a file of older kali). Each
   * shard searched on its own, so a merge keeps every part's search beside
   * the others and adds none up.
   */
  rateSearch?: RateSearchVerdict | null;
}

/** What a run measured and how it ended. */
export interface RunResult {
  status: RunStatus;
  /** What the run was asked to do, and where it ran. */
  setup: RunSetup;
  /** When the workers were told to start (wall clock); null when they never were. */
  startedAt: Date | null;
  /** The start time asked for (a scheduled start); null: started at once. */
  startAt: Date | null;
  /** How late the start was after {@link startAt}, ms; null without one. */
  startLatenessMs: number | null;
  /**
   * Counters as reported: since the steady phase began, or since the start
   * when it never did (see {@link counted}). Gauges are levels at the end.
   */
  counters: Float64Array;
  /** The reported span in seconds (steady phase, or since the start). */
  durationSeconds: number;
  /** What {@link counters} cover: the steady phase, or the whole run when it never got there. */
  counted: "steady" | "run";
  /** When the reported span began (wall clock); null when the run never started. */
  countedFrom: Date | null;
  /** Counters since the start: ramp-up and steady phase. Gauges are levels at the end. */
  runCounters: Float64Array;
  /** Seconds from the start to the stop. */
  runSeconds: number;
  /**
   * Messages the asked rate adds up to over the reported span (rate ×
   * connections × seconds); null without a fixed message rate.
   */
  messagesAsked: number | null;
  /** Whether the run got as far as its final report. */
  reported: boolean;
  series: SeriesPoint[];
  histograms: MeasuredHistograms;
  percentiles: readonly Percentile[];
  /** The signal that ended the run early, if one did. */
  interrupt: Interrupt | null;
  /** Set when the run could not open its connections in the allotted time. */
  rampFailure: { connections: number; seconds: number } | null;
  /** The `-r @` search's outcome; null without a search (or after an interrupt). */
  rateSearch: RateSearchVerdict | null;
  /** `--stage`: one entry per stage begun; null (or absent) without stages. */
  stages?: StageResult[] | null;
  /** Set when `--message-stop` matched. */
  messageStop: MessageStopHit | null;
  /** Set when a worker failed. */
  failure: RunFailure | null;
  /** The runs a merged result adds up; empty for a single run. */
  parts: ResultPart[];
  /** Set when the run could not keep its connections (it fails, after its report). */
  connectionLoss: ConnectionLoss | null;
}

/** A new message rate for every connection (`-r @`), and the bracket it was chosen in. */
export interface RateProbe {
  rate: number;
  /** Message latency measured before this probe no longer counts. */
  epoch: number;
  min: number;
  max: number;
}

/** What happens during a run that someone may want to say, as it happens. */
export type RunEvent =
  /** Engines run in the main thread: workers cannot read kali's modules. */
  | { kind: "single-thread"; readFlag: string }
  | { kind: "interrupt"; signal: Interrupt }
  /**
   * `--start-at`: the workers are ready; the start waits `waitMs` for the
   * instant `at` (Unix epoch ms). A negative wait: the instant had passed,
   * and the run starts at once.
   */
  | { kind: "start-wait"; at: number; waitMs: number }
  /** The workers were told to start; `counters` are the all-zero start, `unixMs` the wall clock. */
  | { kind: "started"; counters: Float64Array; now: number; unixMs: number }
  /** A line a worker asked to say once per run (`Cannot create socket: …`). */
  | { kind: "notice"; line: string }
  /** Ramp-up is done: `connections` are open (fewer than asked when out of descriptors). */
  | { kind: "ramped"; connections: number }
  | { kind: "ramp-failed"; connections: number; seconds: number }
  /** The steady phase began; its rates count from `baseline` at `now`. */
  | { kind: "steady"; baseline: Float64Array; now: number }
  /** `-r @`: every connection now sends at `probe.rate`. */
  | { kind: "rate-probe"; probe: RateProbe }
  /** `-r @`: a probe ended. */
  | { kind: "probe-done"; record: ProbeRecord; percentile: Percentile; target: string }
  /** `--stage`: stage `index` (from 0) of `count` began. */
  | { kind: "stage"; index: number; count: number; stage: Stage };

/** The run's state every 0.25 s from the start. */
export interface RunSample {
  phase: Phase;
  now: number;
  /** Every worker's counters since the process started. */
  counters: Float64Array;
  /** Merged latency so far (message kinds: current rate only). */
  histograms: MeasuredHistograms;
  /** The fraction of the steady phase elapsed; null before it or when endless. */
  progress: number | null;
  /** `--stage`: the stage running (from 0) and how many there are; null without stages. */
  stage: { index: number; count: number } | null;
}
