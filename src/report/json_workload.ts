/**
 * The `--json` result's workload fields: `stages` (one entry per
 * `--stage`), `rateSearch` (the `-r @` probe table) and `closedLoop`; each
 * null when the run had none. Described in `docs/json-schema.md`.
 *
 * @module
 */
import type { Percentile } from "../plan.ts";
import { C } from "../stats/counters.ts";
import type { ProbeRecord, RunResult, StageResult } from "../stats/result.ts";

/** A number, or null where JSON has no NaN. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function stageResult(s: StageResult, percentiles: readonly Percentile[]): Record<string, unknown> {
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
    latency: latency && latency.count > 0
      ? {
        count: latency.count,
        percentiles: percentiles.map((p) => ({
          label: p.label,
          ms: latency.percentileMs(p.value),
        })),
      }
      : null,
  };
}

function probeResult(p: ProbeRecord): Record<string, unknown> {
  return {
    rate: p.rate,
    latencyMs: finite(p.latencyMs),
    samples: p.samples,
    seconds: p.seconds,
    sentRate: p.sentRate,
    met: p.met,
    note: p.note,
  };
}

/** `stages`, `rateSearch` and `closedLoop` of the result. */
export function workloadResult(result: RunResult): Record<string, unknown> {
  const search = result.rateSearch;
  const loop = result.setup.workload?.closedLoop ?? null;
  const c = result.counters;
  const d = result.durationSeconds > 0 ? result.durationSeconds : 1e-9;
  return {
    stages: result.stages?.map((s) => stageResult(s, result.percentiles)) ?? null,
    rateSearch: search && {
      targetMs: search.targetMs,
      percentile: search.percentile.label,
      outcome: search.kind,
      best: search.best && probeResult(search.best),
      probes: search.probes.map(probeResult),
    },
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
