/**
 * kali's report lines for the workload shapes tcpkali lacks, printed after
 * tcpkali's own report: the closed loop's requests, the `-r @` search's
 * best rate (a merge: each part's, labelled), and one table row per
 * `--stage`.
 *
 * @module
 */
import type { Percentile } from "../plan.ts";
import { formatFixed, g } from "../shared/format.ts";
import { C } from "../stats/counters.ts";
import type { RateSearchVerdict, ResultPart, RunResult, StageResult } from "../stats/result.ts";
import type { WorkloadSetup } from "../stats/run_setup.ts";
import { percentileMark } from "./progress.ts";

/** `Closed loop: 123 answers (12.3 requests/s), 0 timeouts, --in-flight 1`. */
export function closedLoopLine(result: RunResult): string[] {
  const loop = result.setup.workload?.closedLoop ?? null;
  if (loop === null) return [];
  const c = result.counters;
  const d = result.durationSeconds > 0 ? result.durationSeconds : 1e-9;
  return [
    `Closed loop: ${c[C.responses]} answers (${formatFixed(c[C.responses] / d, 1)} requests/s), ${
      c[C.responseTimeouts]
    } timeouts, --in-flight ${loop.inFlight}`,
  ];
}

/**
 * `Rate search: best --message-rate 312 (1.2 ms⁹⁵ᵖ under 20ms), 11 probes`;
 * `Rate search (host-a, shard 0/2): …` for `part` of a merge.
 */
export function rateSearchLine(verdict: RateSearchVerdict | null, part = ""): string[] {
  if (verdict === null) return [];
  const head = part ? `Rate search (${part}):` : "Rate search:";
  const mark = percentileMark(verdict.percentile.label);
  const probes = `${verdict.probes.length} probe${verdict.probes.length === 1 ? "" : "s"}`;
  const unfinished = verdict.kind === "timed-out" ? " (search unfinished)" : "";
  const best = verdict.best;
  if (best === null) {
    return [`${head} no --message-rate met ${verdict.target}${mark}, ${probes}`];
  }
  return [
    `${head} best --message-rate ${g(best.rate)} (${
      formatFixed(best.latencyMs, 1)
    } ms${mark} under ${verdict.target}), ${probes}${unfinished}`,
  ];
}

/** Messages per second, or `-` when the run does not count them. */
function perSecond(count: number | null, seconds: number): string {
  return count === null ? "-" : formatFixed(seconds > 0 ? count / seconds : 0, 1);
}

/** Messages a stage received: only what markers count; null otherwise. */
function messagesReceived(c: Float64Array, setup: WorkloadSetup): number | null {
  return setup.answersCounted ? c[C.messagesReceived] + c[C.responses] : null;
}

/** The stage table: one row per stage, columns aligned. */
export function stageTable(
  stages: readonly StageResult[] | null | undefined,
  setup: WorkloadSetup | undefined,
  percentiles: readonly Percentile[],
): string[] {
  if (!stages || stages.length === 0 || setup === undefined) return [];
  const header = [
    "Stage",
    "Duration",
    "Connections",
    "Sent msg/s",
    "Received msg/s",
    `Latency ms (${percentiles.map((p) => p.label).join("/") || "-"}%)`,
  ];
  const rows = stages.map((s, i) => {
    const c = s.counters;
    const latency = s.latency && s.latency.count > 0
      ? percentiles.map((p) => formatFixed(s.latency!.percentileMs(p.value), 1)).join("/")
      : "-";
    return [
      `${i + 1} ${s.stage.label}`,
      `${g(Number(s.durationSeconds.toFixed(3)))} s`,
      String(c[C.openOut]),
      perSecond(c[C.messagesWritten], s.durationSeconds),
      perSecond(messagesReceived(c, setup), s.durationSeconds),
      latency,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Which run of a merge a part is: `host-a, shard 0/2`, or `run 3` when nothing names it. */
function partName(part: ResultPart, index: number): string {
  const shard = part.shard ? `shard ${part.shard.index}/${part.shard.count}` : null;
  return [part.host, shard].filter((x) => x !== null).join(", ") || `run ${index + 1}`;
}

/**
 * The `-r @` searches: the run's, or in a merge each part's own (each
 * shard searched its own rate; no rate of the whole is found by adding).
 */
function rateSearchLines(result: RunResult): string[] {
  return [
    ...rateSearchLine(result.rateSearch),
    ...result.parts.flatMap((part, i) =>
      rateSearchLine(part.rateSearch ?? null, partName(part, i))
    ),
  ];
}

/** Every kali line after tcpkali's report. */
export function workloadLines(result: RunResult): string[] {
  return [
    ...closedLoopLine(result),
    ...rateSearchLines(result),
    ...stageTable(result.stages, result.setup.workload, result.percentiles),
  ];
}
