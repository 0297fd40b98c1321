/**
 * `kali [run] [options] host:port...`: tcpkali's command line. Builds the
 * plan, runs it, and renders the result: the text report, the thresholds'
 * verdicts, the JSON result, the interval log, the HTML page, StatsD's last
 * batch, and the exit code. With `--json -` the JSON result is stdout and
 * everything else kali prints goes to stderr.
 *
 * @module
 */
import { buildPlan } from "../cli/build_plan.ts";
import { parseArgs } from "../cli/options.ts";
import { requireRunPermissions } from "../cli/permission_check.ts";
import { EXIT } from "../errors.ts";
import type { RunPlan } from "../plan.ts";
import { resultReport } from "../report/final_report.ts";
import { prepareOutputFile } from "../report/output_files.ts";
import { CLEAR_EOL, LiveDisplay } from "../report/live_line.ts";
import { messageStopLines, RunOutputs } from "../report/outputs.ts";
import { thresholdLines } from "../report/threshold_lines.ts";
import {
  connectionLossLines,
  interruptLine,
  progressLine,
  rampFailureLine,
  rateSearchVerdict,
} from "../report/progress.ts";
import { runPlan } from "../run/run.ts";
import type { RunEvent, RunResult } from "../stats/result.ts";
import { evaluateThresholds } from "../stats/thresholds.ts";
import type { Terminal } from "./terminal.ts";

/** Runs tcpkali's command line; resolves to the exit code. */
export async function runCommand(args: string[], io: Terminal): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed.kind === "exit") {
    io.stdout(parsed.stdout);
    return parsed.exitCode;
  }
  const plan = await buildPlan(parsed.options, { say: (line) => io.stderr(line + "\n") });
  requireRunPermissions(plan);
  const o = plan.outputs;
  if (o.jsonFile !== null && o.jsonFile !== "-") prepareOutputFile("--json", o.jsonFile);
  if (o.htmlFile !== null) prepareOutputFile("--html", o.htmlFile);
  return await runAndReport(plan, io);
}

/** Runs a plan, printing progress as it goes and the result at the end. */
export async function runAndReport(plan: RunPlan, terminal: Terminal): Promise<number> {
  // `--json -`: the result owns stdout; the report and the rest go to stderr.
  const io = plan.outputs.jsonFile === "-" ? { ...terminal, stdout: terminal.stderr } : terminal;
  const outputs = await RunOutputs.open(plan, {
    stdout: terminal.stdout,
    stderr: terminal.stderr,
  });
  const prefix = io.live ? CLEAR_EOL : "";
  const live = io.live
    ? new LiveDisplay({
      stdout: io.stdout,
      stderr: io.stderr,
      connections: plan.connections,
      columns: io.columns,
      utf8: io.utf8,
      messageRate: plan.latency.messageMarker,
    })
    : null;
  const onEvent = (event: RunEvent) => {
    const line = progressLine(event);
    if (line !== null) {
      io.stderr(event.kind === "rate-probe" ? `${prefix}${line}${prefix}\n` : `${prefix}${line}\n`);
    }
    if (event.kind === "started") {
      live?.started();
      outputs.started(event.counters, event.now, event.unixMs);
    }
    if (event.kind === "steady") live?.steady(event.baseline, event.now);
  };
  try {
    const result = await runPlan(plan, {
      logPrefix: prefix,
      event: onEvent,
      sample: (sample) => {
        outputs.sample(sample);
        live?.draw(sample);
      },
      point: (point) => outputs.point(point),
    });
    return await render(plan, result, { io, outputs, live, prefix });
  } finally {
    if (live) live.restoreCursor();
  }
}

interface Renderers {
  io: Terminal;
  outputs: RunOutputs;
  live: LiveDisplay | null;
  prefix: string;
}

/** Prints what the result says, writes the JSON, and returns the exit code. */
async function render(plan: RunPlan, result: RunResult, r: Renderers): Promise<number> {
  const { io, prefix } = r;
  const reportLines = result.reported ? resultReport(result, plan.latency.messageMarker) : [];
  if (result.reported) {
    r.live?.finish();
    io.stdout(reportLines.join("\n") + "\n");
  }
  const ending = endingOf(plan, result, io.live);
  for (const line of ending.stderr) io.stderr(prefix + line + "\n");
  if (ending.stdout) io.stdout(ending.stdout + "\n");
  const thresholds = evaluateThresholds(result, plan.outputs.thresholds);
  if (result.reported && thresholds.length > 0) {
    io.stdout(thresholdLines(thresholds).join("\n") + "\n");
  }
  const written = await r.outputs.finish({
    result,
    reason: ending.reason,
    reportLines,
    thresholds,
  });
  if (ending.exitCode !== EXIT.ok) return ending.exitCode;
  if (!written) return EXIT.cantCreate;
  return thresholds.some((t) => !t.passed) ? EXIT.thresholds : EXIT.ok;
}

/** What a run's end says (after any report), what --json records, and the exit code. */
function endingOf(
  plan: RunPlan,
  result: RunResult,
  color: boolean,
): { stderr: string[]; stdout: string | null; reason: string[]; exitCode: number } {
  if (result.messageStop) {
    const shown = messageStopLines(plan.outputs.messageStop!, result.messageStop, color);
    const plain = messageStopLines(plan.outputs.messageStop!, result.messageStop, false);
    return {
      stderr: [shown.stderr],
      stdout: shown.stdout,
      reason: [plain.stderr, plain.stdout],
      exitCode: EXIT.messageStop,
    };
  }
  const reason = result.rampFailure ? [rampFailureLine(result.rampFailure)] : [];
  const loss = result.connectionLoss && !result.failure
    ? connectionLossLines(result.connectionLoss, plan.verbosity)
    : { stderr: [], reason: [] };
  reason.push(...loss.reason);
  const verdict = rateSearchVerdict(result, plan);
  if (verdict) reason.push(verdict.stdout ?? verdict.stderr ?? "");
  if (result.interrupt) reason.push(interruptLine(result.interrupt));
  if (result.failure) {
    const { lines, exitCode } = result.failure;
    return { stderr: lines, stdout: null, reason: [...reason, ...lines], exitCode };
  }
  if (verdict) {
    return {
      stderr: [...loss.stderr, ...(verdict.stderr ? [verdict.stderr] : [])],
      stdout: verdict.stdout ?? null,
      reason,
      exitCode: verdict.exitCode,
    };
  }
  const exitCode = result.interrupt === "SIGINT"
    ? EXIT.usage
    : result.interrupt === "SIGTERM"
    ? 143
    : result.rampFailure || result.connectionLoss
    ? EXIT.failure
    : EXIT.ok;
  return { stderr: loss.stderr, stdout: null, reason, exitCode };
}
