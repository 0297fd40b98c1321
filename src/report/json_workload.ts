/**
 * The `--json` result's workload fields: `stages` (one entry per
 * `--stage`, with its counters and latency histogram), `rateSearch` (the
 * `-r @` probe table) and `closedLoop`; each null when the run had none.
 * src/stats/workload_document.ts reads them back. Described in
 * `docs/json-schema.md`.
 *
 * @module
 */
import type { Percentile } from "../plan.ts";
import { C } from "../stats/counters.ts";
import { latencyDocument } from "../stats/latency_document.ts";
import type { RunResult, StageResult } from "../stats/result.ts";
import type {
  ClosedLoopDocument,
  RateSearchDocument,
  StageDocument,
} from "../stats/result_document.ts";
import { rateSearchDocument, stageCounters } from "../stats/workload_document.ts";

function stageResult(s: StageResult, percentiles: readonly Percentile[]): StageDocument {
  const c = s.counters;
  const d = s.durationSeconds > 0 ? s.durationSeconds : 1e-9;
  const latency = s.latency;
  return {
    stage: s.stage.label,
    plannedSeconds: s.stage.durationMs / 1000,
    durationSeconds: s.durationSeconds,
    targetConnections: s.stage.connections,
    targetMessageRate: s.stage.messageRate,
    connectionsOpenOut: c[C.openOut],
    bytesSent: c[C.bytesSent],
    bytesReceived: c[C.bytesReceived],
    messagesSentPerSecond: c[C.messagesWritten] / d,
    // Counted by marker mode (messages) or --latency-marker (responses).
    messagesReceivedPerSecond: (c[C.messagesReceived] + c[C.responses]) / d,
    latency: latency && latency.count > 0 ? latencyDocument(latency, percentiles) : null,
    counters: stageCounters(c),
  };
}

/** The workload fields of a result document. */
export interface WorkloadFields {
  stages: StageDocument[] | null;
  rateSearch: RateSearchDocument | null;
  closedLoop: ClosedLoopDocument | null;
}

/** `stages`, `rateSearch` and `closedLoop` of the result. */
export function workloadResult(result: RunResult): WorkloadFields {
  const search = result.rateSearch;
  const loop = result.setup.workload?.closedLoop ?? null;
  const c = result.counters;
  const d = result.durationSeconds > 0 ? result.durationSeconds : 1e-9;
  return {
    stages: result.stages?.map((s) => stageResult(s, result.percentiles)) ?? null,
    rateSearch: search && rateSearchDocument(search),
    closedLoop: loop && {
      inFlight: loop.inFlight,
      responseTimeoutMs: loop.responseTimeoutMs,
      closeOnTimeout: loop.closeOnTimeout,
      requests: c[C.requests],
      responses: c[C.responses],
      responseTimeouts: c[C.responseTimeouts],
      requestsPerSecond: c[C.responses] / d,
    },
  };
}
