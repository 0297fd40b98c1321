/**
 * The lines kali says on stderr while a run goes and when it ends early,
 * in tcpkali's words, and the `-r @` verdict after the report.
 *
 * @module
 */
import type { Percentile, RunPlan, Stage } from "../plan.ts";
import type {
  ConnectionLoss,
  Interrupt,
  ProbeRecord,
  RateProbe,
  RunEvent,
  RunResult,
} from "../stats/result.ts";
import { g } from "../shared/format.ts";

/** The line said when a signal ends the run. */
export function interruptLine(signal: Interrupt): string {
  return `${signal === "SIGINT" ? "Ctrl+C pressed" : "SIGTERM received"}, finishing up...`;
}

/** C's `%g`, with `inf` for infinity. */
function cg(value: number): string {
  return value === Infinity ? "inf" : g(value);
}

/** `Attempting --message-rate 400 (in range 100..inf)`. */
export function rateProbeLine(probe: Pick<RateProbe, "rate" | "min" | "max">): string {
  return `Attempting --message-rate ${cg(probe.rate)} (in range ${cg(probe.min)}..${
    cg(probe.max)
  })`;
}

/** `Could not create 10 connections in allotted time (1s)`. */
export function rampFailureLine(failure: { connections: number; seconds: number }): string {
  const n = failure.connections;
  return `Could not create ${n} connection${n === 1 ? "" : "s"} in allotted time (${
    g(failure.seconds)
  }s)`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * What a run that could not keep its connections says after its report
 * (`stderr`: the `-v` count of sockets only at verbosity 1 and up, since
 * tcpkali's `Cannot create socket: …` was said once already) and why it
 * failed, for --json (`reason`).
 */
export function connectionLossLines(
  loss: ConnectionLoss,
  verbosity: number,
): { stderr: string[]; reason: string[] } {
  const stderr: string[] = [];
  const reason: string[] = [];
  if (loss.socketErrors > 0) {
    const line = `${plural(loss.socketErrors, "socket")} could not be created: too many open files`;
    if (verbosity >= 1) stderr.push(line);
    reason.push(line);
  }
  if (loss.upgradeFailures > 0) {
    const line = `Could not keep ${plural(loss.connections, "connection")}: ${
      plural(loss.upgradeFailures, "WebSocket upgrade")
    } failed`;
    stderr.push(line);
    reason.push(line);
  }
  return { stderr, reason };
}

/**
 * `--start-at`: `Waiting 59.873 s to start at 2025-01-31T12:00:00.000Z`, or
 * when that instant has passed, a warning that the run starts late.
 */
export function startWaitLine(at: number, waitMs: number): string {
  const when = new Date(at).toISOString();
  if (waitMs > 0) return `Waiting ${(waitMs / 1000).toFixed(3)} s to start at ${when}`;
  return `WARNING: --start-at ${when} passed ${(-waitMs / 1000).toFixed(3)} s ago; starting now`;
}

/** The stderr line for a run event, or null for events that say nothing. */
export function progressLine(event: RunEvent): string | null {
  switch (event.kind) {
    case "single-thread":
      return `WARNING: running on one thread: engine workers need read access to kali's modules (${event.readFlag})`;
    case "interrupt":
      return interruptLine(event.signal);
    case "notice":
      return event.line;
    case "ramped":
      return `Ramped up to ${event.connections} connections.`;
    case "ramp-failed":
      return rampFailureLine(event);
    case "rate-probe":
      return rateProbeLine(event.probe);
    case "start-wait":
      return startWaitLine(event.at, event.waitMs);
    case "probe-done":
      return probeDoneLine(event);
    case "stage":
      return stageLine(event);
    default:
      return null;
  }
}

/** A percentile label in superscript with tcpkali's `ᵖ`: `⁹⁵ᵖ`, `⁹⁹·⁹ᵖ`. */
export function percentileMark(label: string): string {
  const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  return [...label].map((c) => c === "." ? "·" : digits[Number(c)] ?? c).join("") + "ᵖ";
}

/** `--message-rate 400: 0.3 ms⁹⁵ᵖ (212 answers in 1.00 s) meets 20ms`: one probe's verdict. */
export function probeDoneLine(
  event: { record: ProbeRecord; percentile: Percentile; target: string },
): string {
  const r = event.record;
  const latency = r.latencyMs === r.latencyMs
    ? `${r.latencyMs.toFixed(1)} ms${percentileMark(event.percentile.label)}`
    : "no latency";
  const verdict = r.met ? "meets" : "misses";
  const note = r.note ? ` (${r.note})` : "";
  return `--message-rate ${g(r.rate)}: ${latency} (${r.samples} answers in ${
    r.seconds.toFixed(2)
  } s) ${verdict} ${event.target}${note}`;
}

/** `Stage 2 of 4: 1m:c=1000,r=50`. */
export function stageLine(event: { index: number; count: number; stage: Stage }): string {
  return `Stage ${event.index + 1} of ${event.count}: ${event.stage.label}`;
}

/**
 * The `-r @` verdict after the report: where it is printed and the exit
 * code; null without a search. tcpkali's lines; a search that ran out of
 * -T exits 1 (the report names the best rate it found), one that found no
 * rate meeting the bound exits 69.
 */
export function rateSearchVerdict(
  result: RunResult,
  plan: RunPlan,
): { stdout?: string; stderr?: string; exitCode: number } | null {
  const verdict = result.rateSearch;
  const target = plan.latency.rateSearch;
  if (verdict === null || target === null) return null;
  const mark = percentileMark(verdict.percentile.label);
  switch (verdict.kind) {
    case "found":
      return {
        stdout: `Best --message-rate for latency ${target.label}${mark} is ${
          g(verdict.best!.rate)
        }`,
        exitCode: 0,
      };
    case "unmet":
      return {
        stderr:
          `Best --message-rate for latency ${target.label}${mark} can not be determined: ${verdict.probes.length} rates tried, down to ${
            g(verdict.probes.at(-1)?.rate ?? 0)
          }, and none met it`,
        exitCode: 69,
      };
    case "timed-out":
      return {
        stderr: `Failed to find the best --message-rate for latency ${target.label} in -T${
          g((plan.durationMs ?? 0) / 1000)
        } seconds`,
        exitCode: 1,
      };
  }
}
