/**
 * The layout of a result file (`--json`, format {@link RESULT_FORMAT}), as
 * types: written by src/report/json_result.ts, read back by
 * src/stats/result_file.ts. `docs/json-schema.md` describes every field;
 * `docs/kali-result.schema.json` is the schema.
 *
 * @module
 */
import type { ThresholdOutcome } from "./thresholds.ts";
import type { MeasuredKind } from "./latency_kinds.ts";
import type { ResultPart, RunStatus } from "./result.ts";
import type { AskedLoad, Shard } from "./run_setup.ts";
import type { SeriesPoint } from "./series.ts";

/** Version of the layout; bumped on incompatible changes. */
export const RESULT_FORMAT = 2;

/** Cumulative counters over one span. */
export interface CounterBlock {
  /** ISO 8601 start of the span; null when the run never started. */
  since: string | null;
  durationSeconds: number;
  bytesSent: number;
  bytesReceived: number;
  writes: number;
  reads: number;
  /** Marker messages sent and received: marker mode only (tcpkali's message-rate line). */
  messagesSent: number;
  messagesReceived: number;
  /** Repeated messages whose first byte was written, every mode. */
  messagesWritten: number;
  connectionsInitiated: number;
  connectionsAccepted: number;
  connectionFailures: number;
  connectionTimeouts: number;
}

/** Connection levels when counting stopped. */
export interface EndLevels {
  connectionsOpenIn: number;
  connectionsOpenOut: number;
  connectionsConnecting: number;
}

/** Every counter: the whole run, the steady phase, and the levels at the end. */
export interface CountersDocument {
  /** The span the report's figures are computed from. */
  reported: "steady" | "run";
  /** From the start (ramp-up and steady phase) to the stop. */
  run: CounterBlock;
  /** The steady phase only; null when the run never reached it. */
  steady: CounterBlock | null;
  end: EndLevels;
}

/** Latency figures of one measured kind over the whole result. */
export interface LatencyDocument {
  count: number;
  minMs: number;
  meanMs: number;
  maxMs: number;
  /** The exact smallest and largest samples, µs (the histogram keeps bucket counts only). */
  minMicros: number;
  maxMicros: number;
  percentiles: { label: string; ms: number }[];
  /** HdrHistogram V2 compressed, base64, values in µs. */
  histogram: string;
}

/** The final report's figures (unrounded), its text and its latency. */
export interface ReportDocument {
  text: string[];
  durationSeconds: number;
  bytesSent: number;
  bytesReceived: number;
  bandwidthPerChannelMbps: number;
  bandwidthPerChannelKBps: number;
  aggregateBandwidthInMbps: number;
  aggregateBandwidthOutMbps: number;
  messageRateIn: number | null;
  messageRateOut: number | null;
  packetRateIn: number;
  packetRateOut: number;
  mssPerOpIn: number;
  mssPerOpOut: number;
  latency: Partial<Record<MeasuredKind, LatencyDocument>>;
}

/** A result file. */
export interface ResultDocument {
  kali: { version: string; format: number };
  host: string | null;
  shard: Shard | null;
  startAt: string | null;
  startLatenessMs: number | null;
  startedAt: string | null;
  status: RunStatus;
  reason: string[];
  argv: string[];
  options: Record<string, unknown>;
  asked: AskedLoad & { messages: number | null };
  counters: CountersDocument;
  report: ReportDocument;
  series: SeriesPoint[];
  thresholds: ThresholdOutcome[];
  parts: PartDocument[];
  /** `--stage`: one entry per stage begun; null without stages. */
  stages?: StageDocument[] | null;
  /** `-r @`: the probes and the best rate that met the bound; null without a search. */
  rateSearch?: RateSearchDocument | null;
  /** `--closed-loop`: its settings and counts; null without it. */
  closedLoop?: ClosedLoopDocument | null;
}

/** One run a merge added up; `rateSearch`: its own `-r @` search (absent in older files). */
export type PartDocument = Omit<ResultPart, "rateSearch"> & {
  rateSearch?: RateSearchDocument | null;
};

/**
 * Every counter of one stage, by name: what its row is recomputed from and a
 * merge adds. The span's counters of {@link CounterBlock}, and more.
 */
export interface StageCounters extends Omit<CounterBlock, "since" | "durationSeconds"> {
  requests: number;
  responses: number;
  responseTimeouts: number;
  /** Levels at the stage's end. */
  connectionsOpenIn: number;
  connectionsOpenOut: number;
  connectionsConnecting: number;
}

/** What one `--stage` measured. */
export interface StageDocument {
  /** The stage as typed. */
  stage: string;
  plannedSeconds: number;
  durationSeconds: number;
  targetConnections: number;
  targetMessageRate: number | null;
  connectionsOpenOut: number;
  bytesSent: number;
  bytesReceived: number;
  messagesSentPerSecond: number;
  messagesReceivedPerSecond: number;
  /**
   * Latency of the answers received in the stage; null without any. Files
   * of older kali hold `count` and `percentiles` only (no histogram).
   */
  latency: LatencyDocument | null;
  /** Absent in files of older kali. */
  counters?: StageCounters;
}

/** One probe of a `-r @` search. */
export interface ProbeDocument {
  rate: number;
  /** Null: no answers. */
  latencyMs: number | null;
  samples: number;
  seconds: number;
  sentRate: number;
  met: boolean;
  note: string;
}

/** A `-r @` search. */
export interface RateSearchDocument {
  targetMs: number;
  /** The bound as typed after `@` (absent in files of older kali). */
  target?: string;
  /** The label of the percentile searched on. */
  percentile: string;
  outcome: "found" | "timed-out" | "unmet";
  best: ProbeDocument | null;
  probes: ProbeDocument[];
}

/** `--closed-loop`: its settings, and its counts over the reported span. */
export interface ClosedLoopDocument {
  inFlight: number;
  responseTimeoutMs: number;
  closeOnTimeout: boolean;
  requests: number;
  responses: number;
  responseTimeouts: number;
  requestsPerSecond: number;
}
