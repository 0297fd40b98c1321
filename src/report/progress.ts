/**
 * The lines kali says on stderr while a run goes and when it ends early,
 * in tcpkali's words, and the `-r @` verdict after the report.
 *
 * @module
 */
import type { RunPlan } from "../plan.ts";
import type { ConnectionLoss, Interrupt, RateProbe, RunEvent, RunResult } from "../stats/result.ts";
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
    default:
      return null;
  }
}

/** The `-r @` verdict: where it is printed and the exit code; null without a search. */
export function rateSearchVerdict(
  result: RunResult,
  plan: RunPlan,
): { stdout?: string; stderr?: string; exitCode: number } | null {
  const verdict = result.rateSearch;
  const target = plan.latency.rateSearch;
  if (verdict === null || target === null) return null;
  switch (verdict.kind) {
    case "found":
      return {
        stdout: `Best --message-rate for latency ${target.label}⁹⁵ᵖ is ${g(verdict.rate)}`,
        exitCode: 0,
      };
    case "unstable":
      return {
        stderr:
          `Best --message-rate for latency ${target.label} can not be determined in time due to unstable target system behavior`,
        exitCode: 69,
      };
    case "timed-out":
      return {
        stderr: `Failed to find the best --message-rate for latency ${target.label} in -T${
          g((plan.durationMs ?? 0) / 1000)
        } seconds`,
        exitCode: 69,
      };
  }
}
