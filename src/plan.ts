/**
 * The validated, serialisable description of one run. Everything past the
 * command line works from a RunPlan and never parses strings again.
 *
 * @module
 */
import type { CompiledContent, ConnectionLiteral } from "./content/template.ts";
import type { ListenerCertificate } from "./transport/tls_certificate.ts";
import type { Shard } from "./shared/shard.ts";

/** One resolved destination address. */
export interface Destination {
  /** Numeric IP address. */
  address: string;
  /** TCP port. */
  port: number;
  /** The operand as typed (`host:port`), used where tcpkali echoes it. */
  operand: string;
  /** The host part of the operand as typed (the TLS server name). */
  host: string;
}

/** How connections speak WebSocket (`--ws`). */
export interface WebSocketPlan {
  /**
   * The client's upgrade request (Host and path from the first operand,
   * then the `-H` lines), compiled as a first message so that expressions in
   * it are evaluated per connection; null when there are no destinations.
   */
  request: CompiledContent | null;
}

/** How connections speak TLS (`--ssl`). */
export interface TlsPlan {
  /** The listener's certificate and key (PEM text, read up front); null without `-l`. */
  listener: ListenerCertificate | null;
}

/** One address to listen on. */
export interface ListenAddress {
  /** Numeric IP address to bind. */
  address: string;
  /** TCP port. */
  port: number;
  /** Bind `::` dual-stack in place of separate `0.0.0.0` and `::` sockets. */
  dualStack: boolean;
}

/** A complete run. Times are milliseconds, rates per second, sizes bytes. */
export interface RunPlan {
  /** Program name for messages (`kali`). */
  program: string;
  destinations: Destination[];
  listen: ListenAddress[];
  /** Accepted connections: `silent` sinks, `active` senders, `echo` (kali) reflectors. */
  listenMode: "silent" | "active" | "echo";
  /** Connections to keep open to the destinations (with stages: at the start). */
  connections: number;
  /** New connections per second, whole run. */
  connectRate: number;
  connectTimeoutMs: number;
  /** Close each connection this long after creation; null: never. */
  channelLifetimeMs: number | null;
  /** Steady-phase length; null: until interrupted. */
  durationMs: number | null;
  delaySendMs: number;
  /** TCP_NODELAY: true sets it (Nagle off); null leaves the socket alone. */
  noDelay: boolean | null;
  workers: number;
  /** `-w` was given: each worker gets a thread (else kali may share threads, engine_host.ts). */
  workersGiven: boolean;
  verbosity: number;
  /** Messages per second per connection (with stages: at the start); null: unlimited. */
  messageRate: number | null;
  /** Bytes per second per connection upstream; null: unlimited. */
  upstreamBandwidth: number | null;
  /** Bytes per second per connection downstream; null: unlimited; 0: never read. */
  downstreamBandwidth: number | null;
  writeCombine: boolean;
  content: CompiledContent;
  /** `--ws`: RFC 6455 framing on every connection; null: plain TCP. */
  websocket: WebSocketPlan | null;
  /** `--ssl`: TLS on every connection, outgoing and accepted; null: plain TCP. */
  tls: TlsPlan | null;
  /** Outputs and controls: dumps, --message-stop, StatsD, source IPs, JSON. */
  outputs: OutputsPlan;
  /** Latency measurements and the `-r @` rate search. */
  latency: LatencyPlan;
  /**
   * `--shard I/N`: this process runs its share of a test split over N
   * (`connections` and `connectRate` are already the share); null: the whole.
   */
  shard: Shard | null;
  /** `--start-at`: start ramping up at this wall-clock instant (Unix epoch ms); null: at once. */
  startAtMs: number | null;
  /** `--stage`: the load's shape over time (their sum is the duration); null: one load. */
  stages: Stage[] | null;
  /** `--closed-loop`: send only while few messages await their answer; null: open loop. */
  closedLoop: ClosedLoopPlan | null;
}

/**
 * One `--stage`: over `durationMs` the load moves linearly from the
 * previous stage's values (the plan's `connections` and `messageRate` for
 * the first) to these. Values a stage does not name are held.
 */
export interface Stage {
  durationMs: number;
  /** Connections at the end of the stage. */
  connections: number;
  /** Messages per second per connection at the end; null: unlimited (throughout). */
  messageRate: number | null;
  /** The stage as typed (`30s:c=100`). */
  label: string;
}

/** `--closed-loop`: request/response pacing per connection. */
export interface ClosedLoopPlan {
  /** Messages that may await their `--latency-marker` answer at once (`--in-flight`). */
  inFlight: number;
  /** `--response-timeout`: an answer later than this is a timeout. */
  responseTimeoutMs: number;
  /** `--response-timeout-close`: a timeout closes (and re-opens) the connection. */
  closeOnTimeout: boolean;
}

/** One part of a load shared by `count` runs (`--shard I/N`: index from 0). */
export type ShardPlan = Shard;

/** One requested percentile. */
export interface Percentile {
  /** As typed, minus leading blanks and `+` (`50.0` stays `50.0`). */
  readonly label: string;
  /** The number, in [0, 100]. */
  readonly value: number;
}

/** What latency is measured and how it is reported. */
export interface LatencyPlan {
  /** --latency-connect. */
  connect: boolean;
  /** --latency-first-byte. */
  firstByte: boolean;
  /**
   * --latency-marker, bound per connection when it names one
   * (`connection.uid` …); null: off (or marker mode, which takes over).
   */
  marker: ConnectionLiteral | null;
  /** --latency-marker-skip: occurrences ignored per connection. */
  markerSkip: number;
  /** Marker mode: --message-marker or `\{message.marker}` in the content. */
  messageMarker: boolean;
  /** Report percentiles (tcpkali's default 95/99/99.5 when any latency is on). */
  percentiles: Percentile[];
  /** `-r @<Latency>`: search for the best message rate; null: fixed rate. */
  rateSearch: { targetMs: number; label: string } | null;
  /** Also time answers from their intended send time (paced --latency-marker runs). */
  corrected: boolean;
}

/** Which traffic is dumped to stderr (flags OR together). */
export interface DumpPlan {
  /** Received data of the one dumped connection. */
  oneIn: boolean;
  /** Sent data of the one dumped connection. */
  oneOut: boolean;
  /** Received data of every connection. */
  allIn: boolean;
  /** Sent data of every connection. */
  allOut: boolean;
}

/** Where StatsD batches go. */
export interface StatsdPlan {
  /** Numeric IPv4 address. */
  address: string;
  port: number;
  namespace: string;
}

/** Outputs and controls of a run. */
export interface OutputsPlan {
  dump: DumpPlan;
  /** --message-stop bytes; null: off. */
  messageStop: Uint8Array | null;
  /** StatsD target; null: off (or the host did not resolve). */
  statsd: StatsdPlan | null;
  /** --statsd-latency-window in ms; null: cumulative latency gauges. */
  statsdLatencyWindowMs: number | null;
  /**
   * Local addresses to bind outgoing sockets to, round robin: the
   * --source-ip addresses, or an interface's aliases found by detection.
   * Empty: connect unbound (the native Deno.connect path).
   */
  sourceAddresses: string[];
  /** --json FILE (`-`: standard output); null: none. */
  jsonFile: string | null;
  /** --hdr-log FILE: HdrHistogram interval log; null: none. */
  hdrLogFile: string | null;
  /** --html FILE: the report as a web page; null: none. */
  htmlFile: string | null;
  /** --threshold: bounds the result must meet (exit 99 otherwise). */
  thresholds: Threshold[];
  /** SHA-256 of the content options and framing: results of different content never merge. */
  contentDigest: string;
  /** The command line as given, for the JSON result. */
  argv: string[];
}

/** A comparison of a threshold. */
export type ThresholdOperator = "<" | "<=" | ">" | ">=" | "==" | "!=";

/** A latency statistic: a percentile, or the smallest, largest or mean sample. */
export type LatencyStatistic = { percentile: number } | "min" | "max" | "mean";

/** What a threshold measures. Latency in ms, rates per second, bandwidth in bytes per second. */
export type ThresholdMetric =
  | {
    type: "latency";
    kind: "connect" | "firstbyte" | "message" | "corrected";
    statistic: LatencyStatistic;
  }
  | {
    type: "traffic";
    name:
      | "sent.mps"
      | "received.mps"
      | "sent.ratio"
      | "sent.messages"
      | "received.messages"
      | "sent.bytes"
      | "received.bytes"
      | "bandwidth.up"
      | "bandwidth.down";
  }
  | {
    type: "connections";
    name: "open" | "in" | "out" | "initiated" | "accepted" | "failed" | "timeouts";
  };

/** A bound the result must meet (`--threshold EXPR`). */
export interface Threshold {
  /** The expression as typed. */
  expression: string;
  metric: ThresholdMetric;
  operator: ThresholdOperator;
  /** The bound, in the metric's unit. */
  bound: number;
}
