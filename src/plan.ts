/**
 * The validated, serialisable description of one run. Everything past the
 * command line works from a RunPlan and never parses strings again.
 *
 * @module
 */
import type { CompiledContent } from "./content/template.ts";

/** One resolved destination address. */
export interface Destination {
  /** Numeric IP address. */
  address: string;
  /** TCP port. */
  port: number;
  /** The operand as typed (`host:port`), used where tcpkali echoes it. */
  operand: string;
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
  listenMode: "silent" | "active";
  /** Connections to keep open to the destinations. */
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
  verbosity: number;
  /** Messages per second per connection; null: unlimited. */
  messageRate: number | null;
  /** Bytes per second per connection upstream; null: unlimited. */
  upstreamBandwidth: number | null;
  /** Bytes per second per connection downstream; null: unlimited; 0: never read. */
  downstreamBandwidth: number | null;
  writeCombine: boolean;
  content: CompiledContent;
}
