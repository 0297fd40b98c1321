/**
 * Adding up the stages of shards of one staged run (`--stage`, the same
 * list in each): stage by stage, counters summed (connections too),
 * latency histograms added bucket by bucket, so each stage's percentiles
 * of the whole are exact; each stage's rates are over the time the parts'
 * stage spans cover, as the whole run's are.
 *
 * @module
 */
import type { Stage } from "../plan.ts";
import { COUNTER_COUNT } from "./counters.ts";
import { LatencyHistogram } from "./histogram.ts";
import type { RunResult, StageResult } from "./result.ts";

/** The stages a result was asked for: its plan's, else those it ran. */
function plannedStages(result: RunResult): readonly Stage[] | null {
  const planned = result.setup.options.stages as Stage[] | null | undefined;
  return planned ?? result.stages?.map((s) => s.stage) ?? null;
}

/**
 * A result's stage list as a merge compares it: each stage as typed, its
 * length and its message rate (connection targets are each shard's share,
 * so they may differ). `none` without stages.
 */
export function stageList(result: RunResult): string {
  const stages = plannedStages(result);
  if (stages === null) return "none";
  return stages.map((s) => `${s.label} (${s.durationMs} ms, r=${s.messageRate ?? "-"})`).join(
    " ",
  );
}

/** The label of a stage list, for a refusal: `--stage 1s:c=4 --stage 2s:r=9`. */
export function stageLabels(result: RunResult): string {
  const stages = plannedStages(result);
  return stages === null ? "no --stage" : stages.map((s) => `--stage ${s.label}`).join(" ");
}

/** When each stage of `result` began and ended (Unix ms); null when it never started. */
function stageSpans(result: RunResult): { from: number; to: number }[] | null {
  if (result.countedFrom === null || !result.stages) return null;
  // The stages run back to back from the start of the reported span.
  let from = result.countedFrom.getTime();
  return result.stages.map((s) => {
    const span = { from, to: from + s.durationSeconds * 1000 };
    from = span.to;
    return span;
  });
}

/** Stage `i` of the whole: what the parts that ran it measured in it. */
function mergeStage(results: RunResult[], i: number): StageResult {
  const ran = results.filter((r) => r.stages!.length > i);
  const counters = new Float64Array(COUNTER_COUNT);
  let latency: LatencyHistogram | null = null;
  let connections = 0;
  for (const r of results) {
    const own = r.stages![i];
    connections += own?.stage.connections ?? plannedStages(r)?.[i]?.connections ?? 0;
    if (!own) continue;
    for (let k = 0; k < COUNTER_COUNT; k++) counters[k] += own.counters[k];
    if (own.latency) (latency ??= new LatencyHistogram()).add(own.latency);
  }
  const spans = ran.map((r) => stageSpans(r)?.[i] ?? null);
  const durationSeconds = spans.every((s) => s !== null)
    ? (Math.max(...spans.map((s) => s!.to)) - Math.min(...spans.map((s) => s!.from))) / 1000
    : Math.max(...ran.map((r) => r.stages![i].durationSeconds));
  const stage = { ...ran[0].stages![i].stage, connections };
  return { stage, durationSeconds, counters, latency };
}

/**
 * The stages of the whole: null without stages, or when a part's stages
 * could not be read back (an older file: its loading said so). Stage
 * lists must already be equal ({@link stageList}). A part that ended
 * early adds only the stages it ran.
 */
export function mergeStages(results: RunResult[]): StageResult[] | null {
  if (results.some((r) => !r.stages)) return null;
  const count = Math.max(...results.map((r) => r.stages!.length));
  return Array.from({ length: count }, (_, i) => mergeStage(results, i));
}

/** A warning for each part that ran fewer stages than the others (it ended early). */
export function stageWarnings(parts: { name: string; result: RunResult }[]): string[] {
  const counts = parts.map((p) => p.result.stages?.length ?? 0);
  const most = Math.max(...counts);
  return parts.flatMap((p, i) =>
    p.result.stages && counts[i] < most
      ? [
        `kali merge: WARNING: ${p.name} ran ${
          counts[i]
        } of ${most} stages: the later stages add up fewer runs`,
      ]
      : []
  );
}
