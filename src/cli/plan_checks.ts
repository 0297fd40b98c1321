/**
 * tcpkali's cross-option checks: the refusals (exit 64) and warnings that
 * look at several options together, each in tcpkali's words.
 *
 * @module
 */
import { type CompiledContent, hasMessages, minMessageSize } from "../content/template.ts";
import { EXIT, UsageError } from "../errors.ts";
import { g } from "../shared/format.ts";
import { shortHelp } from "./help.ts";
import { rateSearchWarnings } from "./latency_options.ts";
import { checkStatsdLatencyWindow } from "./outputs_plan.ts";
import type { PlanOutput } from "./plan_output.ts";
import type { RawOptions } from "./raw_options.ts";
import { systemLimitWarnings } from "./system_limits.ts";

/** `-H` belongs to the WebSocket upgrade request. */
export function checkHeaders(o: RawOptions): void {
  if (o.headers.length > 0 && !o.websocket) {
    throw new UsageError("--header option ignored without --websocket");
  }
}

/** Something to connect to or to listen on; else the short help. */
export function requireTarget(o: RawOptions, program: string): void {
  if (o.destinations.length === 0 && o.listenPort === null) {
    throw new UsageError(
      "Expecting target <host:port> or --listen-port. See -h or --help.",
      EXIT.usage,
      shortHelp(program),
    );
  }
  // tcpkali ran such a run for -T and reported zeros.
  if (o.connections === 0 && o.listenPort === null) {
    throw new UsageError(
      "--connections=0 with no --listen-port: nothing to do. Give -c 1 or more, or -l.",
    );
  }
}

/**
 * The warnings printed before the destinations: `-r @` targets, the StatsD
 * window against `-T` (fatal when too large or too small), system limits,
 * and the buffer options Deno cannot apply.
 */
export function limitWarnings(
  o: RawOptions,
  scale: { connections: number; workers: number },
  out: PlanOutput,
): void {
  rateSearchWarnings(o.latency, out);
  checkStatsdLatencyWindow(o, out);
  for (const warning of systemLimitWarnings(scale.connections, scale.workers)) {
    out.say(`WARNING: ${warning}`);
  }
  if (o.rcvbuf !== null) out.say("WARNING: --rcvbuf option makes no effect.");
  if (o.sndbuf !== null) out.say("WARNING: --sndbuf option makes no effect.");
}

/** `-r N` (or a stage's `r=`) needs messages to pace, of non-zero length. */
export function checkMessageRate(
  o: RawOptions,
  content: CompiledContent,
  messageRate: number | null,
): void {
  if (messageRate === null) return;
  if (!hasMessages(content)) {
    throw new UsageError(
      "--message-rate parameter makes no sense without --message or --message-file",
    );
  }
  if (minMessageSize(content, { websocket: o.websocket }) === 0) {
    throw new UsageError("--message may resolve to zero length, double-check regular expression");
  }
}

/**
 * TCP_NODELAY from `--nagle` and `--write-combine`: `off` presumes Nagle
 * off. `tlsListener`: accepted connections are TLS, where Deno cannot set it.
 */
export function noDelaySetting(
  o: RawOptions,
  tlsListener: boolean,
  out: PlanOutput,
): boolean | null {
  let noDelay = o.nagle === null ? null : !o.nagle;
  if (!o.writeCombine) {
    if (o.nagle === null) {
      out.say("NOTE: --write-combine=off presumes --nagle=off.");
      noDelay = true;
    } else if (o.nagle) {
      out.say("WARNING: --write-combine=off makes little sense with --nagle=on.");
    }
  }
  if (noDelay !== null && tlsListener) {
    // Deno.TlsConn has no setNoDelay: say so rather than pretend.
    out.say("WARNING: --nagle makes no effect on connections accepted over TLS.");
  }
  return noDelay;
}

/**
 * The connections must open within `-T` at `--connect-rate`: refused when
 * they cannot, warned about when that takes over a tenth of it.
 */
export function checkConnectRate(o: RawOptions, connections: number, out: PlanOutput): void {
  if (connections === 0 || o.duration === null) return;
  const seconds = connections / o.connectRate;
  const given = `at a rate ${g(o.connectRate)} within test duration ${g(o.duration)}.`;
  const advice = `Decrease --connections=${connections}, or increase --duration=${
    g(o.duration)
  } or --connect-rate=${g(o.connectRate)}.`;
  if (seconds > o.duration) {
    throw new UsageError([`${connections} connections can not be opened ${given}`, advice]);
  }
  if (seconds > o.duration / 10) {
    out.say(`WARNING: ${connections} connections might not be opened ${given}`);
    out.say(advice);
  }
}
