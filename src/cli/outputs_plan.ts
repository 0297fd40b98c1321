/**
 * The outputs-and-controls part of the plan: dumps, --message-stop, StatsD,
 * source addresses and the JSON result, with tcpkali's checks in its order.
 *
 * @module
 */
import type { Destination, LatencyPlan, OutputsPlan, StatsdPlan } from "../plan.ts";
import { measuredKinds } from "../stats/latency_kinds.ts";
import { g } from "../shared/format.ts";
import type { RawOptions } from "./raw_options.ts";
import { lookupPermissionError, UsageError } from "../errors.ts";
import type { PlanOutput } from "./plan_output.ts";
import { lookupIpv4 } from "./name_lookup.ts";
import { detectSourceAddresses, resolveSourceIps } from "./source_ip.ts";
import { checkThresholds } from "./thresholds.ts";

/**
 * `--statsd-latency-window` against `--duration`, checked before the
 * destinations are printed and, as tcpkali does, even without `--statsd`.
 */
export function checkStatsdLatencyWindow(o: RawOptions, out: PlanOutput): void {
  const window = o.statsd.latencyWindow;
  if (window === null) return;
  if (o.duration !== null && window > o.duration) {
    throw new UsageError(
      `--statsd-latency-window=${g(window)}s exceeds --duration=${g(o.duration)}s.`,
    );
  }
  if (window < 0.5) {
    throw new UsageError(`--statsd-latency-window=${g(window)}s is too small. Try 0.5s.`);
  }
  if (o.duration !== null && window >= o.duration / 2) {
    out.say(
      `WARNING: --statsd-latency-window=${g(window)}s might result in too few latency reports.`,
    );
  }
}

/**
 * After the `Destination:` lines: `Source IP:` lines for `--source-ip`, or
 * interface detection without it.
 */
export function sourceAddresses(
  o: RawOptions,
  destinations: Destination[],
  out: PlanOutput,
): Promise<string[]> {
  if (o.sourceIps.length > 0) return resolveSourceIps(o.sourceIps, out);
  return detectSourceAddresses(destinations, out, { connectTimeoutMs: o.connectTimeout * 1000 });
}

/**
 * Resolves `--statsd-host` to an IPv4 address. tcpkali silently sends
 * nothing when it does not resolve; kali says so in a WARNING line.
 */
export async function statsdTarget(o: RawOptions, out: PlanOutput): Promise<StatsdPlan | null> {
  if (!o.statsd.enabled) return null;
  const { host, port, namespace } = o.statsd;
  try {
    const address = await lookupIpv4(host);
    return { address, port, namespace };
  } catch (error) {
    const denied = lookupPermissionError(error, host);
    if (denied) throw denied;
    out.say(`WARNING: --statsd-host=${host} does not resolve to an IPv4 address; StatsD is off.`);
    return null;
  }
}

/**
 * kali's result outputs against the latency plan: a threshold on latency
 * the run does not measure, or an interval log of no latency, is refused
 * before any traffic.
 */
export function checkResultOutputs(o: RawOptions, latency: LatencyPlan): void {
  checkThresholds(o.thresholds, latency);
  if (o.hdrLogFile !== null && measuredKinds(latency).length === 0) {
    throw new UsageError(
      "--hdr-log: no latency is measured (add --latency-connect, --latency-first-byte, --latency-marker or --message-marker)",
    );
  }
}

/** Assembles the outputs plan from what the steps above found. */
export function outputsPlan(
  o: RawOptions,
  found: { sourceAddresses: string[]; statsd: StatsdPlan | null; contentDigest: string },
): OutputsPlan {
  return {
    dump: { ...o.dump },
    messageStop: o.messageStop,
    statsd: found.statsd,
    statsdLatencyWindowMs: o.statsd.latencyWindow === null ? null : o.statsd.latencyWindow * 1000,
    sourceAddresses: found.sourceAddresses,
    jsonFile: o.jsonFile,
    hdrLogFile: o.hdrLogFile,
    htmlFile: o.htmlFile,
    thresholds: o.thresholds,
    contentDigest: found.contentDigest,
    argv: [...o.argv],
  };
}
