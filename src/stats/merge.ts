/**
 * Adding up results of runs that shared one load (shards on many
 * machines): counters summed, histograms added bucket by bucket (so every
 * percentile of the whole is exact, never an average), per-second series
 * aligned by Unix time and summed, rates over the time the runs span.
 * Stages add up stage by stage (./stage_merge.ts); a closed loop's counts
 * are summed with the rest. A `-r @` search does not add up: each shard
 * searched its own rate, so each part keeps its own search (`parts[]`)
 * and the report prints one `Rate search` line per part.
 * Results that cannot be added (different content, rate per connection,
 * latency measurements, stage lists, closed-loop settings, `-r @` bounds)
 * are refused with one line naming the difference.
 *
 * @module
 */
import { EXIT, UsageError } from "../errors.ts";
import { COUNTER_COUNT } from "./counters.ts";
import { LatencyHistogram } from "./histogram.ts";
import type { MeasuredHistograms, MeasuredKind } from "./latency_kinds.ts";
import type { ResultPart, RunResult, RunStatus } from "./result.ts";
import type { LoadedResult } from "./result_file.ts";
import type { AskedLoad, RunSetup } from "./run_setup.ts";
import { mergeSeries } from "./series_merge.ts";
import { mergeStages, stageLabels, stageList, stageWarnings } from "./stage_merge.ts";

/** The merged result, and what was odd about its parts. */
export interface Merged {
  result: RunResult;
  reason: string[];
  /**
   * Lines for stderr: warnings (time ranges that do not overlap, shards
   * missing or repeated, late starts) and how far apart scheduled starts were.
   */
  warnings: string[];
}

/** Worst first: the merged status is the worst of its parts'. */
const STATUS_ORDER: RunStatus[] = [
  "failed",
  "message-stop",
  "rate-search-failed",
  "ramp-up-failed",
  "interrupted",
  "completed",
];

function refuse(line: string): UsageError {
  return new UsageError(line, EXIT.dataError);
}

function rate(value: number | null, unit: string): string {
  return value === null ? "no fixed rate" : `${value} ${unit}`;
}

/** Throws when `b` cannot be added to `a`: one line naming the difference. */
function checkAddable(a: LoadedResult, b: LoadedResult): void {
  const x = a.result.setup;
  const y = b.result.setup;
  const differ = (what: string, p: string, q: string) => {
    const theirs = what ? `${what} ${q}` : q;
    return refuse(
      `kali merge: ${b.name} has ${theirs}, ${a.name} has ${p}: results of different loads do not add up`,
    );
  };
  if (x.asked.content !== y.asked.content) {
    throw differ("message content", x.asked.content.slice(0, 12), y.asked.content.slice(0, 12));
  }
  const perConnection: [keyof AskedLoad, string][] = [
    ["messageRate", "messages/s per connection"],
    ["upstreamBandwidth", "bytes/s per connection upstream"],
    ["downstreamBandwidth", "bytes/s per connection downstream"],
  ];
  for (const [key, unit] of perConnection) {
    const p = x.asked[key] as number | null;
    const q = y.asked[key] as number | null;
    if (p !== q) throw differ(`a rate of`, rate(p, unit), rate(q, unit));
  }
  const kinds = (r: LoadedResult) => Object.keys(r.result.histograms).sort().join(",") || "none";
  if (kinds(a) !== kinds(b)) throw differ("latency measurements", kinds(a), kinds(b));
  if (x.messageMarker !== y.messageMarker) {
    throw differ("--message-marker", String(x.messageMarker), String(y.messageMarker));
  }
  checkWorkload(a, b, differ);
}

/** `--closed-loop --in-flight 4 --response-timeout 1000ms`, or `no --closed-loop`. */
function closedLoopText(setup: RunSetup): string {
  const loop = setup.workload?.closedLoop ?? null;
  if (loop === null) return "no --closed-loop";
  return `--closed-loop --in-flight ${loop.inFlight} --response-timeout ${loop.responseTimeoutMs}ms${
    loop.closeOnTimeout ? " --response-timeout-close" : ""
  }`;
}

/** `-r @20ms`'s bound, or `no -r @ search`. */
function searchText(setup: RunSetup): string {
  const ms = (setup.options.latency as { rateSearchMs?: number | null } | undefined)?.rateSearchMs;
  return ms == null ? "no -r @ search" : `a -r @ bound of ${ms} ms`;
}

/** Stages, closed loop and rate search: the workload shapes must be the same. */
function checkWorkload(
  a: LoadedResult,
  b: LoadedResult,
  differ: (what: string, p: string, q: string) => UsageError,
): void {
  if (stageList(a.result) !== stageList(b.result)) {
    throw differ("", stageLabels(a.result), stageLabels(b.result));
  }
  const [x, y] = [a.result.setup, b.result.setup];
  if (closedLoopText(x) !== closedLoopText(y)) {
    throw differ("", closedLoopText(x), closedLoopText(y));
  }
  if (searchText(x) !== searchText(y)) throw differ("", searchText(x), searchText(y));
}

/** Adds up `parts` (at least one) into the result of the whole. */
export function mergeResults(parts: LoadedResult[]): Merged {
  for (const part of parts.slice(1)) checkAddable(parts[0], part);
  const results = parts.map((p) => p.result);
  const first = results[0];
  const counted = spanOf(results, (r) => [r.countedFrom, r.durationSeconds]);
  const run = spanOf(results, (r) => [r.startedAt, r.runSeconds]);
  const hosts = new Set(results.map((r) => r.setup.host));
  const result: RunResult = {
    status: STATUS_ORDER.find((s) => results.some((r) => r.status === s)) ?? "completed",
    setup: {
      ...first.setup,
      asked: mergedAsk(results),
      host: hosts.size === 1 ? first.setup.host : null,
      shard: null,
    },
    startedAt: run.from,
    startAt: null,
    startLatenessMs: null,
    counters: sum(results.map((r) => r.counters)),
    durationSeconds: counted.seconds,
    counted: results.every((r) => r.counted === "steady") ? "steady" : "run",
    countedFrom: counted.from,
    runCounters: sum(results.map((r) => r.runCounters)),
    runSeconds: run.seconds,
    messagesAsked: results.some((r) => r.messagesAsked === null)
      ? null
      : results.reduce((n, r) => n + r.messagesAsked!, 0),
    reported: results.some((r) => r.reported),
    series: mergeSeries(results.map((r) => r.series), first.percentiles),
    histograms: addHistograms(results.map((r) => r.histograms)),
    percentiles: first.percentiles,
    interrupt: null,
    rampFailure: null,
    rateSearch: null,
    stages: mergeStages(results),
    messageStop: null,
    failure: null,
    connectionLoss: null,
    parts: results.flatMap(partsOf),
  };
  const reason = [...new Set(parts.flatMap((p) => p.reason))];
  const warnings = [
    ...overlapWarnings(parts),
    ...shardWarnings(result.parts),
    ...startLines(parts),
    ...stageWarnings(parts),
  ];
  return { result, reason, warnings };
}

function mergedAsk(results: RunResult[]): AskedLoad {
  const asked = results.map((r) => r.setup.asked);
  const durations = asked.map((a) => a.durationMs);
  return {
    ...asked[0],
    connections: asked.reduce((n, a) => n + a.connections, 0),
    connectRate: asked.reduce((n, a) => n + a.connectRate, 0),
    durationMs: durations.includes(null) ? null : Math.max(...(durations as number[])),
  };
}

function partsOf(result: RunResult): ResultPart[] {
  if (result.parts.length > 0) return result.parts;
  const { host, shard } = result.setup;
  const startedAt = result.startedAt?.toISOString() ?? null;
  return [{ host, shard, startedAt, status: result.status, rateSearch: result.rateSearch }];
}

function sum(arrays: Float64Array[]): Float64Array {
  const total = new Float64Array(COUNTER_COUNT);
  for (const a of arrays) for (let i = 0; i < COUNTER_COUNT; i++) total[i] += a[i];
  return total;
}

/** Adds histograms of the same kinds, bucket by bucket. */
export function addHistograms(sets: MeasuredHistograms[]): MeasuredHistograms {
  const total: MeasuredHistograms = {};
  for (const set of sets) {
    for (const [kind, histogram] of Object.entries(set)) {
      (total[kind as MeasuredKind] ??= new LatencyHistogram()).add(histogram);
    }
  }
  return total;
}

/** The time the parts' spans cover, first start to last end. */
function spanOf(
  results: RunResult[],
  span: (r: RunResult) => [Date | null, number],
): { from: Date | null; seconds: number } {
  const spans = results.map(span).filter(([from]) => from !== null) as [Date, number][];
  if (spans.length === 0) return { from: null, seconds: 0 };
  const start = Math.min(...spans.map(([from]) => from.getTime()));
  const end = Math.max(...spans.map(([from, seconds]) => from.getTime() + seconds * 1000));
  return { from: new Date(start), seconds: (end - start) / 1000 };
}

/** A scheduled start (`--start-at`) later than this is a late one: more than timer jitter. */
const LATE_START_MS = 50;

/**
 * Scheduled starts (`--start-at`): a warning for each run that started
 * late (its instant had passed, or it was slow to get ready), then how far
 * apart the runs' actual starts were.
 */
function startLines(parts: LoadedResult[]): string[] {
  const scheduled = parts.filter((p) => p.result.startAt !== null && p.result.startedAt !== null);
  const lines = scheduled
    .filter((p) => (p.result.startLatenessMs ?? 0) > LATE_START_MS)
    .map((p) => {
      const shard = p.result.setup.shard;
      const which = shard ? `${p.name} (shard ${shard.index} of ${shard.count})` : p.name;
      const late = (p.result.startLatenessMs! / 1000).toFixed(3);
      return `kali merge: WARNING: ${which} started ${late} s after its --start-at`;
    });
  if (scheduled.length > 1) {
    const starts = scheduled.map((p) => p.result.startedAt!.getTime());
    const spread = Math.max(...starts) - Math.min(...starts);
    lines.push(`kali merge: the ${scheduled.length} scheduled runs started within ${spread} ms`);
  }
  return lines;
}

/** A warning when some part's reported span overlaps no other part's. */
function overlapWarnings(parts: LoadedResult[]): string[] {
  const spans = parts.flatMap((p) => {
    const from = p.result.countedFrom?.getTime();
    return from === undefined
      ? []
      : [{ name: p.name, from, to: from + p.result.durationSeconds * 1000 }];
  });
  if (spans.length < 2) return [];
  const alone = spans.filter((s) => !spans.some((o) => o !== s && o.from < s.to && s.from < o.to));
  if (alone.length === 0) return [];
  return [
    `kali merge: WARNING: ${alone.map((s) => s.name).join(", ")} overlap${
      alone.length === 1 ? "s" : ""
    } no other result in time: rates are over the whole span, gaps included`,
  ];
}

/**
 * Warnings unless the results are each shard of one set exactly once
 * (`--shard I/N`, I from 0): which shard is missing, which appears more
 * than once, and results of other sets or of no set among them.
 */
function shardWarnings(parts: ResultPart[]): string[] {
  const shards = parts.flatMap((p) => p.shard ? [p.shard] : []);
  if (shards.length === 0) return [];
  const warn = (what: string) => `kali merge: WARNING: ${what}`;
  const lines: string[] = [];
  const whole = parts.length - shards.length;
  if (whole > 0) lines.push(warn(`${whole} of the results ran the whole load, not a shard`));
  const counts = [...new Set(shards.map((s) => s.count))].sort((a, b) => a - b);
  if (counts.length > 1) lines.push(warn(`the shards come from sets of ${counts.join(", ")}`));
  for (const count of counts) {
    const seen = shards.filter((s) => s.count === count).map((s) => s.index);
    const repeated = [...new Set(seen.filter((i, n) => seen.indexOf(i) !== n))];
    const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.includes(i));
    const say = (indices: number[], one: string, many: string) =>
      warn(
        `${indices.length === 1 ? "shard" : "shards"} ${indices.join(", ")} of ${count} ${
          indices.length === 1 ? one : many
        }`,
      );
    if (repeated.length > 0) {
      lines.push(
        say(repeated.sort((a, b) => a - b), "appears more than once", "appear more than once"),
      );
    }
    if (missing.length > 0) lines.push(say(missing, "is missing", "are missing"));
  }
  return lines;
}
