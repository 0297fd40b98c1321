/**
 * The result file's workload fields, both ways: `stages` (each with every
 * counter by name and its latency histogram), `rateSearch` (the probe
 * table) and `closedLoop`. The writer (src/report/json_workload.ts) and
 * {@link readWorkload} share the codecs here, so a re-read result prints
 * the stage table, the `Rate search:` and `Closed loop:` lines again.
 *
 * @module
 */
import type { ClosedLoopPlan, Percentile, Stage } from "../plan.ts";
import { g } from "../shared/format.ts";
import { C, newCounters } from "./counters.ts";
import { latencyHistogram } from "./latency_document.ts";
import type { ProbeRecord, RateSearchVerdict, StageResult } from "./result.ts";
import type {
  ProbeDocument,
  RateSearchDocument,
  ResultDocument,
  StageCounters,
  StageDocument,
} from "./result_document.ts";

/** Where each named stage counter lives. */
const STAGE_COUNTERS: Record<keyof StageCounters, number> = {
  bytesSent: C.bytesSent,
  bytesReceived: C.bytesReceived,
  writes: C.writes,
  reads: C.reads,
  messagesSent: C.messagesSent,
  messagesReceived: C.messagesReceived,
  messagesWritten: C.messagesWritten,
  connectionsInitiated: C.initiated,
  connectionsAccepted: C.accepted,
  connectionFailures: C.failures,
  connectionTimeouts: C.timeouts,
  requests: C.requests,
  responses: C.responses,
  responseTimeouts: C.responseTimeouts,
  connectionsOpenIn: C.openIn,
  connectionsOpenOut: C.openOut,
  connectionsConnecting: C.connecting,
};

/** A stage's counters by name. */
export function stageCounters(c: Float64Array): StageCounters {
  const named = {} as StageCounters;
  for (const [name, index] of Object.entries(STAGE_COUNTERS)) {
    named[name as keyof StageCounters] = c[index];
  }
  return named;
}

function countersOf(named: StageCounters): Float64Array {
  const c = newCounters();
  for (const [name, index] of Object.entries(STAGE_COUNTERS)) {
    c[index] = named[name as keyof StageCounters] ?? 0;
  }
  return c;
}

function probeDocument(p: ProbeRecord): ProbeDocument {
  const { rate, samples, seconds, sentRate, met, note } = p;
  // JSON has no NaN: a probe without answers has no latency.
  const latencyMs = Number.isFinite(p.latencyMs) ? p.latencyMs : null;
  return { rate, latencyMs, samples, seconds, sentRate, met, note };
}

function probeRecord(d: ProbeDocument): ProbeRecord {
  return { ...d, latencyMs: d.latencyMs ?? NaN };
}

/** A `-r @` search as the file holds it. */
export function rateSearchDocument(v: RateSearchVerdict): RateSearchDocument {
  return {
    targetMs: v.targetMs,
    target: v.target,
    percentile: v.percentile.label,
    outcome: v.kind,
    best: v.best && probeDocument(v.best),
    probes: v.probes.map(probeDocument),
  };
}

/** The search a document holds; `percentiles`: the run's, to find the searched one's value. */
export function rateSearchVerdict(
  d: RateSearchDocument,
  percentiles: readonly Percentile[],
): RateSearchVerdict {
  const percentile = percentiles.find((p) => p.label === d.percentile) ??
    { label: d.percentile, value: Number(d.percentile) };
  return {
    kind: d.outcome,
    best: d.best && probeRecord(d.best),
    probes: d.probes.map(probeRecord),
    percentile,
    // Older files kept the bound in ms only: it reads back in ms.
    target: d.target ?? `${g(d.targetMs)}ms`,
    targetMs: d.targetMs,
  };
}

/** The workload a result file holds, and what of it cannot be recomputed. */
export interface ReadWorkload {
  /** Null without stages, or when the file's stages cannot be recomputed (see `notes`). */
  stages: StageResult[] | null;
  rateSearch: RateSearchVerdict | null;
  closedLoop: ClosedLoopPlan | null;
  /** One line per figure the file cannot give back. */
  notes: string[];
}

/**
 * The workload fields of `doc` (`name`: its file, for notes). The closed
 * loop's counts over the reported span go into `counters`. Throws (via
 * `fail`) on a stage histogram that is not one.
 */
export function readWorkload(
  doc: ResultDocument,
  name: string,
  counters: Float64Array,
  fail: (why: string) => Error,
): ReadWorkload {
  const percentiles = (doc.options.latency as { percentiles?: Percentile[] } | undefined)
    ?.percentiles ?? [];
  const search = doc.rateSearch ?? null;
  const loop = doc.closedLoop ?? null;
  if (loop) {
    counters[C.requests] = loop.requests;
    counters[C.responses] = loop.responses;
    counters[C.responseTimeouts] = loop.responseTimeouts;
  }
  const stages = readStages(doc, fail);
  return {
    stages: stages === "older" ? null : stages,
    rateSearch: search && rateSearchVerdict(search, percentiles),
    closedLoop: loop &&
      {
        inFlight: loop.inFlight,
        responseTimeoutMs: loop.responseTimeoutMs,
        closeOnTimeout: loop.closeOnTimeout,
      },
    notes: stages === "older"
      ? [
        `${name}: an older kali wrote its stages without counters and histograms: ` +
        `the stage table cannot be recomputed from it`,
      ]
      : [],
  };
}

/** The stages; `older` when the file holds their rates and percentiles only. */
function readStages(
  doc: ResultDocument,
  fail: (why: string) => Error,
): StageResult[] | null | "older" {
  const stages = doc.stages ?? null;
  if (stages === null) return null;
  const complete = (s: StageDocument) =>
    s.counters !== undefined && (s.latency === null || typeof s.latency.histogram === "string");
  if (!stages.every(complete)) return "older";
  const planned = (doc.options.stages ?? null) as Stage[] | null;
  return stages.map((s, i) => {
    let latency = null;
    try {
      latency = s.latency && latencyHistogram(s.latency);
    } catch {
      throw fail(`stages[${i}].latency.histogram is not an HdrHistogram`);
    }
    const stage: Stage = {
      durationMs: planned?.[i]?.label === s.stage ? planned[i].durationMs : s.plannedSeconds * 1000,
      // A merge's targets are its parts' summed: the document's, not the first part's plan.
      connections: s.targetConnections,
      messageRate: s.targetMessageRate,
      label: s.stage,
    };
    return {
      stage,
      durationSeconds: s.durationSeconds,
      counters: countersOf(s.counters!),
      latency,
    };
  });
}
