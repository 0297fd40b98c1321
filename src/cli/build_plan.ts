/**
 * RawOptions to a validated RunPlan, in tcpkali's order: limits warnings,
 * destinations, listen addresses, content, then the cross-option checks.
 *
 * @module
 */
import {
  averageMessageSize,
  compileContent,
  type CompiledContent,
  hasMessages,
  minMessageSize,
} from "../content/template.ts";
import type { Destination, ListenAddress, RunPlan } from "../plan.ts";
import { buildUpgradeRequest } from "../transport/websocket_client_handshake.ts";
import { shortHelp } from "./help.ts";
import type { RawOptions } from "./raw_options.ts";
import { cpuCount } from "./system_limits.ts";
import { latencyPlan, rateSearchWarnings } from "./latency_options.ts";
import {
  checkStatsdLatencyWindow,
  outputsPlan,
  sourceAddresses,
  statsdTarget,
} from "./outputs_plan.ts";
import { permittedListen, requireNet } from "./permission_check.ts";
import { resolveDestination, resolveListen, splitOperand } from "./resolve.ts";
import { formatAddress } from "../shared/address.ts";
import { systemLimitWarnings } from "./system_limits.ts";
import { loadListenerCertificate } from "../transport/tls.ts";
import { EXIT, UsageError } from "../errors.ts";
import { g } from "../shared/format.ts";

/** Where startup lines go (stderr in the CLI, an array in tests). */
export interface PlanOutput {
  say(line: string): void;
}

/** tcpkali's default worker count (behaviour reference 3.4). */
export function defaultWorkers(connections: number, listening: boolean, cpus: number): number {
  if (!listening && connections > 0 && connections < cpus) return connections;
  return cpus;
}

/**
 * The upgrade request for `--ws` clients: Host is the first operand as typed
 * (before any `/`), the path is what follows its first `/`; compiled as
 * content so that `\{connection.uid}` and the like in `-H` values and the
 * path are evaluated per connection, as tcpkali does.
 */
function upgradeRequest(operand: string, headers: Uint8Array[]): CompiledContent {
  const { hostPort, path } = splitOperand(operand);
  const request = buildUpgradeRequest({ hostHeader: hostPort, path, headers });
  return compileContent([{ kind: "first", bytes: request, unescape: false, origin: "--header" }]);
}

/** Builds the plan, printing startup lines; throws UsageError on bad input. */
export async function buildPlan(
  o: RawOptions,
  out: PlanOutput,
  program = "kali",
): Promise<RunPlan> {
  for (const notice of o.notices) out.say(notice);
  if (o.headers.length > 0 && !o.websocket) {
    throw new UsageError("--header option ignored without --websocket");
  }
  const listening = o.listenPort !== null;
  const hasTarget = o.destinations.length > 0;
  // As tcpkali: the listener's certificate and key must be readable before anything starts.
  const tls = o.ssl
    ? { listener: listening ? loadListenerCertificate(o.sslCert, o.sslKey) : null }
    : null;
  if (!hasTarget && !listening) {
    throw new UsageError(
      "Expecting target <host:port> or --listen-port. See -h or --help.",
      EXIT.usage,
      shortHelp(program),
    );
  }
  const connections = hasTarget ? o.connections : 0;
  const workers = o.workers ?? defaultWorkers(connections, listening, cpuCount());
  rateSearchWarnings(o.latency, out);
  checkStatsdLatencyWindow(o, out);
  for (const warning of systemLimitWarnings(connections, workers)) out.say(`WARNING: ${warning}`);
  if (o.rcvbuf !== null) out.say("WARNING: --rcvbuf option makes no effect.");
  if (o.sndbuf !== null) out.say("WARNING: --sndbuf option makes no effect.");

  const destinations: Destination[] = [];
  for (const text of o.destinations) {
    for (const destination of await resolveDestination(splitOperand(text), program)) {
      out.say(`Destination: ${formatAddress(destination.address, destination.port)}`);
      destinations.push(destination);
    }
  }
  if (hasTarget && destinations.length === 0) {
    throw new UsageError(`${program}: Resolving ${o.destinations[0]}: no addresses`, EXIT.noHost);
  }
  requireNet(destinations); // before the source-address probe, the first traffic
  const sources = await sourceAddresses(o, destinations, out);
  let listen: ListenAddress[] = [];
  if (o.listenPort) {
    listen = permittedListen(await resolveListen(o.listenPort.host, o.listenPort.port));
    for (const address of listen) {
      if (address.dualStack) {
        // One dual-stack socket serves both families that tcpkali lists.
        out.say(`Listen on: [0.0.0.0]:${address.port}`);
        out.say(`Listen on: [::]:${address.port}`);
      } else {
        out.say(`Listen on: ${formatAddress(address.address, address.port)}`);
      }
    }
  }

  const content = compileContent(o.content);
  const framing = { websocket: o.websocket };
  const upstream = o.upstream;
  const latency = latencyPlan(o.latency, {
    content,
    minMessageSize: minMessageSize(content, framing),
    hasTarget,
    messageRate: upstream?.kind === "messages" ? upstream.perSecond : null,
  });
  if (upstream?.kind === "messages") {
    if (!hasMessages(content)) {
      throw new UsageError(
        "--message-rate parameter makes no sense without --message or --message-file",
      );
    }
    if (minMessageSize(content, framing) === 0) {
      throw new UsageError("--message may resolve to zero length, double-check regular expression");
    }
  }
  let noDelay = o.nagle === null ? null : !o.nagle;
  if (!o.writeCombine) {
    if (o.nagle === null) {
      out.say("NOTE: --write-combine=off presumes --nagle=off.");
      noDelay = true;
    } else if (o.nagle) {
      out.say("WARNING: --write-combine=off makes little sense with --nagle=on.");
    }
  }
  if (noDelay !== null && tls?.listener) {
    // Deno.TlsConn has no setNoDelay: say so rather than pretend.
    out.say("WARNING: --nagle makes no effect on connections accepted over TLS.");
  }
  if (hasTarget && o.duration !== null && connections > 0) {
    const seconds = connections / o.connectRate;
    const advice = `Decrease --connections=${connections}, or increase --duration=${
      g(o.duration)
    } or --connect-rate=${g(o.connectRate)}.`;
    if (seconds > o.duration) {
      throw new UsageError([
        `${connections} connections can not be opened at a rate ${
          g(o.connectRate)
        } within test duration ${g(o.duration)}.`,
        advice,
      ]);
    }
    if (seconds > o.duration / 10) {
      out.say(
        `WARNING: ${connections} connections might not be opened at a rate ${
          g(o.connectRate)
        } within test duration ${g(o.duration)}.`,
      );
      out.say(advice);
    }
  }

  return {
    program,
    destinations,
    listen,
    listenMode: o.listenMode,
    connections,
    connectRate: o.connectRate,
    connectTimeoutMs: o.connectTimeout * 1000,
    channelLifetimeMs: o.channelLifetime === null ? null : o.channelLifetime * 1000,
    durationMs: o.duration === null ? null : o.duration * 1000,
    delaySendMs: o.delaySend * 1000,
    noDelay,
    workers,
    verbosity: o.verbosity,
    messageRate: upstream?.kind === "messages" ? upstream.perSecond : null,
    upstreamBandwidth: upstream?.kind === "bytes"
      ? upstream.perSecond
      : upstream?.kind === "messages"
      ? upstream.perSecond * averageMessageSize(content, framing)
      : null,
    downstreamBandwidth: o.downstreamBandwidth,
    writeCombine: o.writeCombine,
    content,
    websocket: o.websocket
      ? { request: hasTarget ? upgradeRequest(o.destinations[0], o.headers) : null }
      : null,
    tls,
    outputs: outputsPlan(o, { sourceAddresses: sources, statsd: await statsdTarget(o, out) }),
    latency,
  };
}
