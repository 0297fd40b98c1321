/**
 * What every bench scenario shares (scripts/bench.ts, scripts/bench_workload.ts):
 * the row and context types, running kali (or any Deno program) under GNU
 * time with a hard timeout, and the small figure helpers.
 *
 * @module
 */
import {
  type KaliReport,
  notSupportedReason,
  parseKaliReport,
  parseTimeOutput,
  type TimeResult,
} from "./bench_parse.ts";
import { type ProcessRun, runProcess } from "./bench_proc.ts";

const GNU_TIME = "/usr/bin/time";

/** The `--v8-flags=` value of deno.json's `kali` task; "" when it gives none. */
export function kaliTaskV8Flags(): string {
  const config = JSON.parse(Deno.readTextFileSync(new URL("../deno.json", import.meta.url)));
  return String(config.tasks.kali).match(/--v8-flags=(\S+)/)?.[1] ?? "";
}

/** One line of the results table. */
export interface Row {
  scenario: string;
  what: string;
  unit: string;
  /** kali's figure; null when not measured (see `note`). */
  kali: number | null;
  /** The figure kali is compared with: a peer's, or the asked/ideal value. */
  reference: number | null;
  /** What `reference` is (`iperf3 -P 4`, `asked`, …). */
  referenceLabel: string;
  /** kali / reference. */
  ratio: number | null;
  target: string;
  /** Whether the target is met; null when there is no target or no figure. */
  met: boolean | null;
  note?: string;
  /** Decimals to print. */
  digits: number;
}

/** What every scenario gets. */
export interface Context {
  quick: boolean;
  /** The kali entry point to measure (`main.ts` of this tree unless `--kali`). */
  main: string;
  /** `deno run` arguments before kali's own for every measured run: `-A`, V8 flags, main. */
  kaliRun: string[];
  dir: string;
  /** iperf3 single-stream Gbit/s, once measured (S1, reused by S2). */
  iperfSingleGbps?: number;
  iperfSingleNote?: string;
}

/** One benchmark scenario. */
export interface Scenario {
  id: string;
  title: string;
  run(ctx: Context): Promise<Row[]>;
}

/** A kali run's report, or why there is none. */
export type KaliOutcome =
  | { kind: "ok"; report: KaliReport; run: ProcessRun; time: TimeResult | null }
  | { kind: "not-measured"; reason: string; run?: ProcessRun };

/** A scenario's duration: `full` seconds, or `short` with `--quick`. */
export const seconds = (quick: boolean, full: number, short: number) => quick ? short : full;

/** Runs a Deno program under GNU time (CPU seconds, peak RSS) and a hard timeout. */
export async function runTimed(
  ctx: Context,
  denoRunArgs: string[],
  options: { durationSeconds: number; watch?: Record<string, RegExp> },
): Promise<{ run: ProcessRun; time: TimeResult | null }> {
  const timeFile = `${ctx.dir}/time-${crypto.randomUUID()}.txt`;
  const limit = Math.ceil(options.durationSeconds + 30);
  const run = await runProcess(
    GNU_TIME,
    [
      "-o",
      timeFile,
      "-f",
      "%U %S %M %e",
      "timeout",
      "-k",
      "2",
      String(limit),
      Deno.execPath(),
      "run",
      ...denoRunArgs,
    ],
    { timeoutMs: (limit + 10) * 1000, watch: options.watch, env: { NO_COLOR: "1" } },
  );
  let time: TimeResult | null = null;
  try {
    time = parseTimeOutput(await Deno.readTextFile(timeFile));
  } catch { /* no time file */ }
  return { run, time };
}

/** Runs kali under GNU time and a hard timeout. */
export async function runKali(
  ctx: Context,
  args: string[],
  options: { durationSeconds: number; watch?: Record<string, RegExp> },
): Promise<KaliOutcome> {
  const { run, time } = await runTimed(ctx, [...ctx.kaliRun, ...args], options);
  const unsupported = notSupportedReason(run.code, run.stderr);
  if (unsupported) return { kind: "not-measured", reason: `not supported yet: ${unsupported}` };
  const report = parseKaliReport(run.stdout);
  if (run.code !== 0 || !report) {
    const why = run.timedOut ? "timed out" : `exit ${run.code}`;
    const lines = run.stderr.trim().split("\n").filter((l) => !/opened as|half-closed/.test(l));
    const error = lines.find((l) => /error/i.test(l));
    const tail = error ? error.trim() : lines.slice(-2).join(" | ");
    return { kind: "not-measured", reason: `kali failed (${why}): ${tail}`, run };
  }
  return { kind: "ok", report, run, time };
}

/** Rows for `whats` that could not be measured, with the reason. */
export function notMeasured(
  scenario: string,
  whats: [what: string, unit: string, target: string][],
  reason: string,
): Row[] {
  return whats.map(([what, unit, target]) => ({
    scenario,
    what,
    unit,
    kali: null,
    reference: null,
    referenceLabel: "",
    ratio: null,
    target,
    met: null,
    note: reason,
    digits: 0,
  }));
}

/** kali / reference, or null. */
export function ratioOf(kali: number | null, reference: number | null): number | null {
  return kali !== null && reference !== null && reference !== 0 ? kali / reference : null;
}

/** An error's message. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
