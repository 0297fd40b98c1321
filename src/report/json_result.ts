/**
 * `--json FILE` (kali extension): the result as a document that holds
 * everything a merge needs and every figure kali prints: the options and
 * the asked load, every counter (whole run and steady phase), the report's
 * figures and the full latency histograms (HdrHistogram compressed
 * base64), the per-second series with their interval histograms, and the
 * thresholds' outcomes. The layout is {@link ResultDocument};
 * `docs/json-schema.md` describes it.
 *
 * @module
 */
import { VERSION } from "../shared/version.ts";
import { C } from "../stats/counters.ts";
import { latencyDocument } from "../stats/latency_document.ts";
import { MEASURED_KINDS } from "../stats/latency_kinds.ts";
import type { ResultPart, RunResult } from "../stats/result.ts";
import {
  type CounterBlock,
  type CountersDocument,
  type PartDocument,
  type ReportDocument,
  RESULT_FORMAT,
  type ResultDocument,
} from "../stats/result_document.ts";
import type { ThresholdOutcome } from "../stats/thresholds.ts";
import { rateSearchDocument } from "../stats/workload_document.ts";
import { reportFigures } from "./final_report.ts";
import { workloadResult } from "./json_workload.ts";

/** What the result file is made of. */
export interface ResultInput {
  result: RunResult;
  /** The lines kali printed about why the run ended, without terminal colours. */
  reason: string[];
  /** The text report lines, as printed; empty when no report was. */
  reportLines: string[];
  thresholds: ThresholdOutcome[];
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** The result document written by `--json`. */
export function buildResult(input: ResultInput): ResultDocument {
  const { result } = input;
  const setup = result.setup;
  return {
    kali: { version: VERSION, format: RESULT_FORMAT },
    host: setup.host,
    shard: setup.shard,
    startAt: iso(result.startAt),
    startLatenessMs: result.startLatenessMs,
    startedAt: iso(result.startedAt),
    status: result.status,
    reason: input.reason,
    argv: setup.argv,
    options: setup.options,
    asked: { ...setup.asked, messages: result.messagesAsked },
    counters: countersDocument(result),
    report: reportDocument(result, input.reportLines),
    series: result.series,
    thresholds: input.thresholds,
    parts: result.parts.map(partDocument),
    ...workloadResult(result),
  };
}

/** A merged run: its own `-r @` search, when it had one, goes with it. */
function partDocument(part: ResultPart): PartDocument {
  const { rateSearch, ...rest } = part;
  return rateSearch === undefined
    ? rest
    : { ...rest, rateSearch: rateSearch && rateSearchDocument(rateSearch) };
}

function counterBlock(c: Float64Array, since: Date | null, seconds: number): CounterBlock {
  return {
    since: iso(since),
    durationSeconds: seconds,
    bytesSent: c[C.bytesSent],
    bytesReceived: c[C.bytesReceived],
    writes: c[C.writes],
    reads: c[C.reads],
    messagesSent: c[C.messagesSent],
    messagesReceived: c[C.messagesReceived],
    messagesWritten: c[C.messagesWritten],
    connectionsInitiated: c[C.initiated],
    connectionsAccepted: c[C.accepted],
    connectionFailures: c[C.failures],
    connectionTimeouts: c[C.timeouts],
  };
}

function countersDocument(result: RunResult): CountersDocument {
  const c = result.counters;
  return {
    reported: result.counted,
    run: counterBlock(result.runCounters, result.startedAt, result.runSeconds),
    steady: result.counted === "steady"
      ? counterBlock(c, result.countedFrom, result.durationSeconds)
      : null,
    end: {
      connectionsOpenIn: c[C.openIn],
      connectionsOpenOut: c[C.openOut],
      connectionsConnecting: c[C.connecting],
    },
  };
}

function reportDocument(result: RunResult, text: string[]): ReportDocument {
  const figures = reportFigures(result.counters, result.durationSeconds);
  const messageRate = result.setup.messageMarker;
  const latency: ReportDocument["latency"] = {};
  for (const kind of MEASURED_KINDS) {
    const h = result.histograms[kind];
    if (h) latency[kind] = latencyDocument(h, result.percentiles);
  }
  return {
    text,
    durationSeconds: result.durationSeconds,
    ...figures,
    messageRateIn: messageRate ? figures.messageRateIn : null,
    messageRateOut: messageRate ? figures.messageRateOut : null,
    latency,
  };
}

/** The document as written: pretty-printed, trailing newline. */
export function resultText(document: ResultDocument): string {
  return JSON.stringify(document, null, 2) + "\n";
}
