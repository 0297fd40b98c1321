/**
 * Per-worker traffic and connection counters, kept in one Float64Array so
 * that a snapshot is a single copy and merging is a loop.
 *
 * @module
 */

/** Index of each counter in a Counters array. */
export const C = {
  bytesSent: 0,
  bytesReceived: 1,
  writes: 2,
  reads: 3,
  /** Open accepted connections (gauge). */
  openIn: 4,
  /** Established outgoing connections (gauge). */
  openOut: 5,
  /** Outgoing connections still connecting (gauge). */
  connecting: 6,
  /** Outgoing connection attempts started (cumulative). */
  initiated: 7,
  /** Connections accepted (cumulative). */
  accepted: 8,
  failures: 9,
  timeouts: 10,
  /** Marker messages sent (marker mode only, as tcpkali counts them). */
  messagesSent: 11,
  /** Marker messages received (marker mode only). */
  messagesReceived: 12,
  /** Repeated messages whose first byte was written, in every mode. */
  messagesWritten: 13,
  /** Outgoing WebSocket connections that failed before their upgrade was accepted (cumulative). */
  upgradeFailures: 14,
  /** Outgoing sockets that could not be created: too many open files (cumulative). */
  socketErrors: 15,
  /** Of bytesSent: WebSocket upgrade requests (cumulative). */
  handshakeSent: 16,
  /** Of bytesReceived: WebSocket upgrade requests and responses (cumulative). */
  handshakeReceived: 17,
  /** `--latency-marker` messages sent that await their marker (kali). */
  requests: 18,
  /** Markers received that answered a message (kali). */
  responses: 19,
  /** `--closed-loop` messages whose answer did not come in time (kali). */
  responseTimeouts: 20,
} as const;

/** Number of counters. */
export const COUNTER_COUNT = 21;

/** Gauges are levels, not totals: never subtract a baseline from them. */
export const GAUGES: readonly number[] = [C.openIn, C.openOut, C.connecting];

/** A fresh, zeroed counter array. */
export function newCounters(): Float64Array {
  return new Float64Array(COUNTER_COUNT);
}

/** Sums worker snapshots into one. */
export function mergeCounters(snapshots: Iterable<Float64Array>): Float64Array {
  const total = newCounters();
  for (const snapshot of snapshots) {
    for (let i = 0; i < COUNTER_COUNT; i++) total[i] += snapshot[i];
  }
  return total;
}

/**
 * A steady-phase baseline from counters taken at the end of the ramp-up,
 * less the WebSocket handshakes in them: as in tcpkali, whose ramp-up ended
 * before the handshakes, the report's byte totals always include them.
 */
export function steadyBaseline(sampled: Float64Array): Float64Array {
  const baseline = sampled.slice();
  baseline[C.bytesSent] -= sampled[C.handshakeSent];
  baseline[C.bytesReceived] -= sampled[C.handshakeReceived];
  return baseline;
}

/** `now - base` for cumulative counters; gauges keep their `now` level. */
export function sinceBaseline(now: Float64Array, base: Float64Array): Float64Array {
  const delta = newCounters();
  for (let i = 0; i < COUNTER_COUNT; i++) {
    delta[i] = GAUGES.includes(i) ? now[i] : now[i] - base[i];
  }
  return delta;
}
