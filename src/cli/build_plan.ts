/**
 * RawOptions to a validated RunPlan, in tcpkali's order: notices, the
 * listener's certificate, limits warnings, destinations, source and listen
 * addresses, content, then the cross-option checks.
 *
 * @module
 */
import { contentDigest } from "../content/digest.ts";
import {
  averageMessageSize,
  compileContent,
  type CompiledContent,
  hasMessages,
  minMessageSize,
  usesMessageMarker,
} from "../content/template.ts";
import type { RunPlan, TlsPlan } from "../plan.ts";
import { loadListenerCertificate } from "../transport/tls_certificate.ts";
import { buildUpgradeRequest } from "../transport/websocket_client_handshake.ts";
import { latencyPlan } from "./latency_options.ts";
import { resolveDestinations, resolveListenAddresses } from "./network_plan.ts";
import { checkResultOutputs, outputsPlan, sourceAddresses, statsdTarget } from "./outputs_plan.ts";
import {
  checkConnectRate,
  checkHeaders,
  checkMessageRate,
  limitWarnings,
  noDelaySetting,
  requireTarget,
} from "./plan_checks.ts";
import type { PlanOutput } from "./plan_output.ts";
import type { RawOptions } from "./raw_options.ts";
import { splitOperand } from "./resolve.ts";
import { shardLoad, shardStages } from "./scale_options.ts";
import { cpuCount } from "./system_limits.ts";
import { peakConnectionsAsked, type WorkloadPlan, workloadPlan } from "./workload_options.ts";

/** tcpkali's default worker count: one per connection up to the CPU count, else the CPUs. */
export function defaultWorkers(connections: number, listening: boolean, cpus: number): number {
  if (!listening && connections > 0 && connections < cpus) return connections;
  return cpus;
}

/** Builds the plan, printing startup lines; throws UsageError on bad input. */
export async function buildPlan(
  o: RawOptions,
  out: PlanOutput,
  program = "kali",
): Promise<RunPlan> {
  for (const notice of o.notices) out.say(notice);
  checkHeaders(o);
  const tls = tlsPlan(o);
  requireTarget(o, program);
  const hasTarget = o.destinations.length > 0;
  // The whole test's figures; `share` is what this process runs of it (--shard).
  const connections = hasTarget ? o.connections : 0;
  const share = shardLoad({ connections, connectRate: o.connectRate }, o.shard);
  // Threads are sized for the most connections a stage asks for, and a
  // shard's connect rate is its share of that peak: a shard with no share
  // of -c may still open its share of a stage's connections.
  const peakLoad = shardLoad({
    connections: hasTarget ? peakConnectionsAsked(o.workload, connections) : 0,
    connectRate: o.connectRate,
  }, o.shard);
  const peak = peakLoad.connections;
  const workers = o.workers ?? defaultWorkers(peak, o.listenPort !== null, cpuCount());
  limitWarnings(o, { connections: peak, workers }, out);
  const destinations = await resolveDestinations(o.destinations, out, program);
  const sources = await sourceAddresses(o, destinations, out);
  const listen = await resolveListenAddresses(o.listenPort, out);
  const content = compileContent(o.content);
  const workload = workloadOf(o, content, connections);
  for (const warning of workload.warnings) out.say(warning);
  const latency = latencyPlan(o.latency, {
    content,
    minMessageSize: minMessageSize(content, { websocket: o.websocket }),
    hasTarget,
    messageRate: workload.messageRate,
  });
  checkResultOutputs(o, latency);
  // A closed loop paces itself by its answers: there is no intended send time.
  if (workload.closedLoop !== null) latency.corrected = false;
  checkMessageRate(o, content, workload.messageRate);
  const noDelay = noDelaySetting(o, Boolean(tls?.listener), out);
  // Stages open their connections along the way.
  if (workload.stages === null) checkConnectRate(o, connections, out);
  const websocket = o.websocket ? { request: upgradeRequest(o.destinations[0], o.headers) } : null;
  const statsd = await statsdTarget(o, out);
  const digest = await contentDigest(o.content, { websocket: o.websocket });
  return {
    program,
    destinations,
    listen,
    listenMode: o.listenMode,
    connections: share.connections,
    connectRate: peakLoad.connectRate,
    connectTimeoutMs: o.connectTimeout * 1000,
    channelLifetimeMs: o.channelLifetime === null ? null : o.channelLifetime * 1000,
    durationMs: workload.stages
      ? workload.stages.reduce((sum, stage) => sum + stage.durationMs, 0)
      : o.duration === null
      ? null
      : o.duration * 1000,
    delaySendMs: o.delaySend * 1000,
    noDelay,
    workers,
    workersGiven: o.workers !== null,
    verbosity: o.verbosity,
    ...upstreamLimits(o, content, workload.messageRate),
    downstreamBandwidth: o.downstreamBandwidth,
    writeCombine: o.writeCombine,
    content,
    websocket,
    tls,
    outputs: outputsPlan(o, { sourceAddresses: sources, statsd, contentDigest: digest }),
    latency,
    shard: o.shard,
    startAtMs: o.startAtMs,
    stages: shardStages(workload.stages, o.shard),
    closedLoop: workload.closedLoop,
  };
}

/** `--stage` and `--closed-loop` checked against the rest of the command line. */
function workloadOf(o: RawOptions, content: CompiledContent, connections: number): WorkloadPlan {
  return workloadPlan(o.workload, {
    hasTarget: o.destinations.length > 0,
    hasMessages: hasMessages(content),
    connections,
    messageRate: o.upstream?.kind === "messages" ? o.upstream.perSecond : null,
    upstreamBytes: o.upstream?.kind === "bytes",
    rateSearch: o.latency.rateSearch !== null,
    latencyMarker: o.latency.marker !== null && !o.latency.messageMarker &&
      !usesMessageMarker(content),
  });
}

/**
 * `--ssl`: as tcpkali, the listener's certificate and key must be readable
 * before anything starts; a client alone needs neither.
 */
function tlsPlan(o: RawOptions): TlsPlan | null {
  if (!o.ssl) return null;
  return { listener: o.listenPort !== null ? loadListenerCertificate(o.sslCert, o.sslKey) : null };
}

/**
 * The per-connection upstream pace: `-r` in messages (and the bytes that
 * makes), or bytes. `messageRate`: `-r`, or the rate stages start from.
 */
function upstreamLimits(
  o: RawOptions,
  content: CompiledContent,
  messageRate: number | null,
): Pick<RunPlan, "messageRate" | "upstreamBandwidth"> {
  if (o.upstream?.kind === "bytes") {
    return { messageRate: null, upstreamBandwidth: o.upstream.perSecond };
  }
  if (messageRate === null) return { messageRate: null, upstreamBandwidth: null };
  const averageSize = averageMessageSize(content, { websocket: o.websocket });
  return { messageRate, upstreamBandwidth: messageRate * averageSize };
}

/**
 * The upgrade request for `--ws` clients: Host is the first operand as typed
 * (before any `/`), the path is what follows its first `/`; compiled as
 * content so that `\{connection.uid}` and the like in `-H` values and the
 * path are evaluated per connection, as tcpkali does. None without a target.
 */
function upgradeRequest(
  operand: string | undefined,
  headers: Uint8Array[],
): CompiledContent | null {
  if (operand === undefined) return null;
  const { hostPort, path } = splitOperand(operand);
  const request = buildUpgradeRequest({ hostHeader: hostPort, path, headers });
  return compileContent([{ kind: "first", bytes: request, unescape: false, origin: "--header" }]);
}
