/**
 * What the command line says, option by option, before any cross-option
 * check: the value `parseArgs` fills in and `buildPlan` turns into a plan.
 *
 * @module
 */
import type { ContentArg } from "../content/types.ts";
import type { Threshold } from "../plan.ts";
import { DEFAULT_CERT_FILE, DEFAULT_KEY_FILE } from "../transport/tls_certificate.ts";
import { defaultLatencyOptions, type LatencyOptions } from "./latency_options.ts";
import type { Shard } from "../shared/shard.ts";
import { defaultWorkloadOptions, type WorkloadOptions } from "./workload_options.ts";

/** Everything the command line says, validated per option. */
export interface RawOptions {
  verbosity: number;
  connections: number;
  connectRate: number;
  /** Seconds. */
  connectTimeout: number;
  /** Seconds; null: never. */
  channelLifetime: number | null;
  /** Seconds; null: forever. */
  duration: number | null;
  /** Seconds. */
  delaySend: number;
  nagle: boolean | null;
  writeCombine: boolean;
  workers: number | null;
  rcvbuf: number | null;
  sndbuf: number | null;
  /** The upstream limit, set by -r or --channel-bandwidth-upstream (last wins). */
  upstream: { kind: "messages" | "bytes"; perSecond: number } | null;
  downstreamBandwidth: number | null;
  listenPort: { host: string | null; port: number } | null;
  listenMode: "silent" | "active" | "echo";
  content: ContentArg[];
  destinations: string[];
  /** Notes and warnings to print before the run, in command-line order. */
  notices: string[];
  /** `--ws`: WebSocket transport on both sides. */
  websocket: boolean;
  /** `-H` values (unescaped under `-e`), in order, without their CRLF. */
  headers: Uint8Array[];
  /** `--ssl`: TLS on both sides. */
  ssl: boolean;
  /** `--ssl-cert`: the listener's certificate file (PEM). */
  sslCert: string;
  /** `--ssl-key`: the listener's private key file (PEM). */
  sslKey: string;
  /** Latency options and `-r @<Latency>`. */
  latency: LatencyOptions;
  /** -d/--dump-*: which directions of one connection / of all connections (flags OR). */
  dump: DumpOptions;
  /** --message-stop, compiled (`-e` applied); null: off. */
  messageStop: Uint8Array | null;
  /** --statsd and its settings. */
  statsd: StatsdOptions;
  /** --source-ip values as typed, in order. */
  sourceIps: string[];
  /** --json FILE (kali extension; `-`: stdout); null: no JSON result. */
  jsonFile: string | null;
  /** --hdr-log FILE (kali extension); null: no interval log. */
  hdrLogFile: string | null;
  /** --html FILE (kali extension); null: no web page. */
  htmlFile: string | null;
  /** --threshold EXPR (kali extension, repeatable), parsed. */
  thresholds: Threshold[];
  /** --shard I/N (kali extension); null: the whole test. */
  shard: Shard | null;
  /** --start-at (kali extension): Unix epoch ms; null: start at once. */
  startAtMs: number | null;
  /** The arguments as given (without the program name), for the JSON result. */
  argv: string[];
  /** `--stage`, `--closed-loop` and its settings (kali extensions). */
  workload: WorkloadOptions;
}

/** Traffic dump selection: each flag ORs in. */
export interface DumpOptions {
  oneIn: boolean;
  oneOut: boolean;
  allIn: boolean;
  allOut: boolean;
}

/** StatsD settings as given. */
export interface StatsdOptions {
  enabled: boolean;
  host: string;
  port: number;
  namespace: string;
  /** Seconds; null: cumulative latency in every batch. */
  latencyWindow: number | null;
}

/** tcpkali's defaults: what an empty command line means. */
export function defaultRawOptions(): RawOptions {
  return {
    verbosity: 0,
    connections: 1,
    connectRate: 100,
    connectTimeout: 1,
    channelLifetime: null,
    duration: 10,
    delaySend: 0,
    nagle: null,
    writeCombine: true,
    workers: null,
    rcvbuf: null,
    sndbuf: null,
    upstream: null,
    downstreamBandwidth: null,
    listenPort: null,
    listenMode: "silent",
    content: [],
    destinations: [],
    notices: [],
    websocket: false,
    headers: [],
    ssl: false,
    sslCert: DEFAULT_CERT_FILE,
    sslKey: DEFAULT_KEY_FILE,
    latency: defaultLatencyOptions(),
    dump: { oneIn: false, oneOut: false, allIn: false, allOut: false },
    messageStop: null,
    statsd: {
      enabled: false,
      host: "127.0.0.1",
      port: 8125,
      namespace: "tcpkali",
      latencyWindow: null,
    },
    sourceIps: [],
    jsonFile: null,
    hdrLogFile: null,
    htmlFile: null,
    thresholds: [],
    shard: null,
    startAtMs: null,
    argv: [],
    workload: defaultWorkloadOptions(),
  };
}
