/**
 * Reading result files back: a {@link ResultDocument} becomes the
 * {@link RunResult} it was written from (counters, histograms, series,
 * setup), so that `kali merge` and `kali report` render it as a run's.
 * Also splits a stream of concatenated documents (`kubectl logs` of many
 * pods running `kali --json -`), skipping the text between them.
 *
 * @module
 */
import { EXIT, UsageError } from "../errors.ts";
import type { Percentile } from "../plan.ts";
import { C, newCounters } from "./counters.ts";
import { latencyHistogram } from "./latency_document.ts";
import type { MeasuredHistograms, MeasuredKind } from "./latency_kinds.ts";
import type { ResultPart, RunResult } from "./result.ts";
import {
  type CounterBlock,
  type EndLevels,
  type PartDocument,
  RESULT_FORMAT,
  type ResultDocument,
} from "./result_document.ts";
import type { ThresholdOutcome } from "./thresholds.ts";
import { rateSearchVerdict, readWorkload } from "./workload_document.ts";

/** A result as a file holds it: the run's result and what kali concluded from it. */
export interface LoadedResult {
  /** Where it came from (file name, or `-#2` for the second document of stdin). */
  name: string;
  result: RunResult;
  reason: string[];
  reportLines: string[];
  thresholds: ThresholdOutcome[];
  /**
   * One line per figure the file cannot give back (an older kali wrote
   * it): the report of it is then the text it holds, not recomputed.
   */
  notes: string[];
}

/** Refuses a document that is not a result kali can read, in one line. */
function refuse(name: string, why: string): UsageError {
  return new UsageError(`${name}: ${why}`, EXIT.dataError);
}

function has(value: unknown, key: string): boolean {
  return typeof value === "object" && value !== null && key in value;
}

/** Checks the parts of a document that reading it relies on. */
function checkDocument(value: unknown, name: string): ResultDocument {
  if (!has(value, "kali") || !has((value as ResultDocument).kali, "format")) {
    throw refuse(name, "not a kali result (no kali.format)");
  }
  const doc = value as ResultDocument;
  if (doc.kali.format !== RESULT_FORMAT) {
    throw refuse(name, `result format ${doc.kali.format}; this kali reads format ${RESULT_FORMAT}`);
  }
  for (const key of ["counters", "report", "series", "asked", "options", "parts"]) {
    if (!has(doc, key)) throw refuse(name, `not a kali result (no ${key})`);
  }
  return doc;
}

function counters(block: CounterBlock, end: EndLevels): Float64Array {
  const c = newCounters();
  c[C.bytesSent] = block.bytesSent;
  c[C.bytesReceived] = block.bytesReceived;
  c[C.writes] = block.writes;
  c[C.reads] = block.reads;
  c[C.messagesSent] = block.messagesSent;
  c[C.messagesReceived] = block.messagesReceived;
  c[C.messagesWritten] = block.messagesWritten;
  c[C.initiated] = block.connectionsInitiated;
  c[C.accepted] = block.connectionsAccepted;
  c[C.failures] = block.connectionFailures;
  c[C.timeouts] = block.connectionTimeouts;
  c[C.openIn] = end.connectionsOpenIn;
  c[C.openOut] = end.connectionsOpenOut;
  c[C.connecting] = end.connectionsConnecting;
  return c;
}

function date(iso: string | null): Date | null {
  return iso === null ? null : new Date(iso);
}

function histograms(doc: ResultDocument, name: string): MeasuredHistograms {
  const out: MeasuredHistograms = {};
  for (const [kind, latency] of Object.entries(doc.report.latency)) {
    try {
      out[kind as MeasuredKind] = latencyHistogram(latency);
    } catch {
      throw refuse(name, `report.latency.${kind}.histogram is not an HdrHistogram`);
    }
  }
  return out;
}

function percentiles(doc: ResultDocument): Percentile[] {
  const latency = doc.options.latency as { percentiles?: Percentile[] } | undefined;
  return (latency?.percentiles ?? []).map((p) => ({ label: p.label, value: p.value }));
}

function part(d: PartDocument, percentileList: Percentile[]): ResultPart {
  const { rateSearch, ...rest } = d;
  if (rateSearch === undefined) return rest;
  return { ...rest, rateSearch: rateSearch && rateSearchVerdict(rateSearch, percentileList) };
}

/** The result a document holds. */
export function readResult(value: unknown, name: string): LoadedResult {
  const doc = checkDocument(value, name);
  const { run, steady, end } = doc.counters;
  const reported = doc.counters.reported === "steady" && steady ? steady : run;
  const { messages, ...asked } = doc.asked;
  const latencyOptions = doc.options.latency as
    | { messageMarker?: boolean; marker?: string | null }
    | undefined;
  const messageMarker = latencyOptions?.messageMarker ?? false;
  const reportedCounters = counters(reported, end);
  const workload = readWorkload(doc, name, reportedCounters, (why) => refuse(name, why));
  const percentileList = percentiles(doc);
  const result: RunResult = {
    status: doc.status,
    setup: {
      argv: doc.argv,
      options: doc.options,
      asked,
      messageMarker,
      host: doc.host,
      shard: doc.shard,
      workload: {
        closedLoop: workload.closedLoop,
        answersCounted: (latencyOptions?.marker ?? null) !== null || messageMarker,
      },
    },
    startedAt: date(doc.startedAt),
    startAt: date(doc.startAt),
    startLatenessMs: doc.startLatenessMs,
    counters: reportedCounters,
    durationSeconds: reported.durationSeconds,
    counted: reported === run ? "run" : "steady",
    countedFrom: date(reported.since),
    runCounters: counters(run, end),
    runSeconds: run.durationSeconds,
    messagesAsked: messages,
    reported: doc.report.text.length > 0,
    series: doc.series,
    histograms: histograms(doc, name),
    percentiles: percentileList,
    interrupt: null,
    rampFailure: null,
    rateSearch: workload.rateSearch,
    stages: workload.stages,
    messageStop: null,
    failure: null,
    connectionLoss: null,
    parts: doc.parts.map((p) => part(p, percentileList)),
  };
  const thresholds = doc.thresholds ?? [];
  const { reason, report } = doc;
  return { name, result, reason, reportLines: report.text, thresholds, notes: workload.notes };
}

/**
 * The JSON documents of a stream: each starts with `{` at the start of a
 * line and runs to its matching `}`; text around them (a text report, log
 * lines) is skipped.
 */
export function splitDocuments(text: string): unknown[] {
  const documents: unknown[] = [];
  let at = 0;
  for (;;) {
    const start = documentStart(text, at);
    if (start < 0) return documents;
    const end = matchingBrace(text, start);
    try {
      if (end < 0) throw new SyntaxError("unclosed");
      documents.push(JSON.parse(text.slice(start, end + 1)));
      at = end + 1;
    } catch {
      at = start + 1;
    }
  }
}

/** Where the next `{` that starts a line is, at or after `from`; -1 if none. */
function documentStart(text: string, from: number): number {
  if (from === 0 && text.startsWith("{")) return 0;
  const newline = text.indexOf("\n{", Math.max(0, from - 1));
  return newline < 0 ? -1 : newline + 1;
}

/** The index of the `}` closing the object opened at `start` (strings skipped); -1 if none. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}
