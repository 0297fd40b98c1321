/**
 * Pure parsers for the outputs the benchmark reads: kali's (tcpkali's) final
 * report and `-vv` worker exit blocks, iperf3's `-J` JSON, GNU time's
 * `-f '%U %S %M %e'` line and redis-benchmark's `--csv` table.
 *
 * @module
 */

/** One `… latency at percentiles: a/b/c ms (p1/p2/p3%)` line. */
export interface LatencyLine {
  /** Percentile label as printed (`"99.5"`) mapped to milliseconds. */
  [label: string]: number;
}

/** The figures of kali's final report on stdout. */
export interface KaliReport {
  sentBytes: number;
  receivedBytes: number;
  /** `Aggregate bandwidth: X↓, Y↑ Mbps`: X. */
  downMbps: number;
  /** `Aggregate bandwidth: X↓, Y↑ Mbps`: Y. */
  upMbps: number;
  /** `Aggregate message rate: X↓, Y↑ mps`, when printed. */
  messageRate: { down: number; up: number } | null;
  /** `TCP connect latency at percentiles:`, when printed. */
  connectLatency: LatencyLine | null;
  /** `First byte latency at percentiles:`, when printed. */
  firstByteLatency: LatencyLine | null;
  /** `Message latency at percentiles:`, when printed. */
  messageLatency: LatencyLine | null;
  /** `Corrected message latency at percentiles:` (kali's paced `--latency-marker` runs). */
  correctedLatency: LatencyLine | null;
  /** `Test duration: D s.` in seconds. */
  durationSeconds: number;
  /** `Closed loop: N answers (R requests/s), T timeouts, …`, when printed. */
  closedLoop: { answers: number; requestsPerSecond: number; timeouts: number } | null;
}

const NUMBER = String.raw`(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)`;

function match(text: string, pattern: RegExp): RegExpExecArray | null {
  return pattern.exec(text);
}

/** Parses `values ms (labels%)` into label -> value. */
export function parseLatencyLine(rest: string): LatencyLine | null {
  const m = /^\s*([\d./]+) ms \(([^)]*)%\)\s*$/.exec(rest);
  if (!m) return null;
  const values = m[1].split("/").map(Number);
  const labels = m[2].split("/");
  if (values.length !== labels.length || values.some((v) => !Number.isFinite(v))) return null;
  const line: LatencyLine = {};
  labels.forEach((label, i) => line[label] = values[i]);
  return line;
}

function latency(text: string, title: string): LatencyLine | null {
  const m = new RegExp(`^${title} at percentiles:(.*)$`, "m").exec(text);
  return m ? parseLatencyLine(m[1]) : null;
}

/** Parses kali's final report; null when the mandatory lines are missing. */
export function parseKaliReport(stdout: string): KaliReport | null {
  const sent = match(stdout, /^Total data sent:.*\((\d+) bytes\)\s*$/m);
  const received = match(stdout, /^Total data received:.*\((\d+) bytes\)\s*$/m);
  const bandwidth = match(
    stdout,
    new RegExp(`^Aggregate bandwidth: ${NUMBER}↓, ${NUMBER}↑ Mbps`, "m"),
  );
  const duration = match(stdout, new RegExp(`^Test duration: ${NUMBER} s\\.`, "m"));
  if (!sent || !received || !bandwidth || !duration) return null;
  const rate = match(
    stdout,
    new RegExp(`^Aggregate message rate: ${NUMBER}↓, ${NUMBER}↑ mps`, "m"),
  );
  return {
    sentBytes: Number(sent[1]),
    receivedBytes: Number(received[1]),
    downMbps: Number(bandwidth[1]),
    upMbps: Number(bandwidth[2]),
    messageRate: rate ? { down: Number(rate[1]), up: Number(rate[2]) } : null,
    connectLatency: latency(stdout, "TCP connect latency"),
    firstByteLatency: latency(stdout, "First byte latency"),
    messageLatency: latency(stdout, "Message latency"),
    correctedLatency: latency(stdout, "Corrected message latency"),
    durationSeconds: Number(duration[1]),
    closedLoop: closedLoop(stdout),
  };
}

function closedLoop(stdout: string): KaliReport["closedLoop"] {
  const m = match(
    stdout,
    new RegExp(`^Closed loop: (\\d+) answers \\(${NUMBER} requests/s\\), (\\d+) timeouts`, "m"),
  );
  return m
    ? { answers: Number(m[1]), requestsPerSecond: Number(m[2]), timeouts: Number(m[3]) }
    : null;
}

/** Counters of the `-vv` worker exit blocks, summed over all workers. */
export interface WorkerTotals {
  workers: number;
  connectionsInitiated: number;
  connectionsAccepted: number;
  connectionFailures: number;
  connectionTimeouts: number;
  dataSent: number;
  dataReceived: number;
}

const WORKER_COUNTERS: [RegExp, keyof Omit<WorkerTotals, "workers">][] = [
  [/^\s*↳ (\d+) connections_initiated\s*$/, "connectionsInitiated"],
  [/^\s*↳ (\d+) connections_accepted\s*$/, "connectionsAccepted"],
  [/^\s*(\d+) connection_failures\s*$/, "connectionFailures"],
  [/^\s*↳ (\d+) connection_timeouts\s*$/, "connectionTimeouts"],
  [/^\s*(\d+) worker_data_sent\s*$/, "dataSent"],
  [/^\s*(\d+) worker_data_rcvd\s*$/, "dataReceived"],
];

/** Sums the `Exiting worker N` blocks printed on stderr at `-vv`. */
export function parseWorkerTotals(stderr: string): WorkerTotals {
  const totals: WorkerTotals = {
    workers: 0,
    connectionsInitiated: 0,
    connectionsAccepted: 0,
    connectionFailures: 0,
    connectionTimeouts: 0,
    dataSent: 0,
    dataReceived: 0,
  };
  let inBlock = false;
  for (const line of stderr.split("\n")) {
    if (/^Exiting worker \d+\s*$/.test(line)) {
      totals.workers++;
      inBlock = true;
      continue;
    }
    if (!inBlock) continue;
    if (!line.startsWith(" ")) {
      inBlock = false;
      continue;
    }
    for (const [pattern, key] of WORKER_COUNTERS) {
      const m = pattern.exec(line);
      if (m) totals[key] += Number(m[1]);
    }
  }
  return totals;
}

/** The summary of an iperf3 `-J` run. */
export interface Iperf3Result {
  sentBitsPerSecond: number;
  receivedBitsPerSecond: number;
  streams: number;
  seconds: number;
}

/** Parses iperf3's `-J` output; throws with iperf3's own error when it reports one. */
export function parseIperf3Json(text: string): Iperf3Result {
  // deno-lint-ignore no-explicit-any
  const json = JSON.parse(text) as any;
  if (typeof json.error === "string") throw new Error(`iperf3: ${json.error}`);
  const end = json.end;
  if (!end?.sum_sent || !end?.sum_received) throw new Error("iperf3: no end.sum_* in JSON");
  return {
    sentBitsPerSecond: Number(end.sum_sent.bits_per_second),
    receivedBitsPerSecond: Number(end.sum_received.bits_per_second),
    streams: Array.isArray(end.streams) ? end.streams.length : 0,
    seconds: Number(end.sum_received.seconds),
  };
}

/** GNU time's `-f '%U %S %M %e'` figures. */
export interface TimeResult {
  userSeconds: number;
  systemSeconds: number;
  maxRssKiB: number;
  elapsedSeconds: number;
}

/**
 * Parses the last `%U %S %M %e` line GNU time wrote (`-o file`); earlier
 * lines such as `Command exited with non-zero status 1` are skipped.
 */
export function parseTimeOutput(text: string): TimeResult | null {
  const lines = text.trim().split("\n").reverse();
  for (const line of lines) {
    const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+) (\d+(?:\.\d+)?)$/.exec(line.trim());
    if (m) {
      return {
        userSeconds: Number(m[1]),
        systemSeconds: Number(m[2]),
        maxRssKiB: Number(m[3]),
        elapsedSeconds: Number(m[4]),
      };
    }
  }
  return null;
}

/** Byte-handing calls of an strace log, split by where the bytes went. */
export interface StraceSends {
  /** Calls whose descriptor is a TCP socket: the messages on the wire. */
  tcp: number;
  /** Bytes those calls handed over (the length each asked to send). */
  tcpBytes: number;
  /** The rest: the runtime's eventfd wake-ups, stderr and stdout lines, files written. */
  other: number;
}

/**
 * Counts `write`/`writev`/`sendto`/`sendmsg` calls in an strace log written
 * with `-yy` (each descriptor followed by what it is, as `5<TCP:[…]>`),
 * one call per line after `-f`'s pid. A call strace split in two counts
 * once: its `<... resumed>` half names no descriptor.
 */
export function parseStraceSends(text: string): StraceSends {
  const sends = { tcp: 0, tcpBytes: 0, other: 0 };
  for (const line of text.split("\n")) {
    const m = /^(?:\d+\s+)?(write|writev|sendto|sendmsg)\(\d+<([^:>]+)/.exec(line);
    if (!m) continue;
    if (m[2] !== "TCP" && m[2] !== "TCPv6") {
      sends.other++;
      continue;
    }
    sends.tcp++;
    // write/sendto: the length follows the (possibly cut) string argument.
    const length = /"(?:\.\.\.)?, (\d+)[,)\s]/.exec(line);
    if (length) sends.tcpBytes += Number(length[1]);
  }
  return sends;
}

/** One test row of `redis-benchmark --csv`. */
export interface RedisBenchmarkRow {
  test: string;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Parses `redis-benchmark --csv` (redis 7 columns); rows without figures are skipped. */
export function parseRedisBenchmarkCsv(text: string): RedisBenchmarkRow[] {
  const rows = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.startsWith('"'))
    .map((line) => line.split(",").map((cell) => cell.replace(/^"|"$/g, "")));
  const header = rows.find((row) => row[0] === "test");
  if (!header) return [];
  const at = (name: string) => header.indexOf(name);
  const [rps, p50, p95, p99] = [
    at("rps"),
    at("p50_latency_ms"),
    at("p95_latency_ms"),
    at("p99_latency_ms"),
  ];
  if ([rps, p50, p95, p99].some((i) => i < 0)) return [];
  return rows.filter((row) => row !== header && row[0] !== "test").map((row) => ({
    test: row[0],
    requestsPerSecond: Number(row[rps]),
    p50Ms: Number(row[p50]),
    p95Ms: Number(row[p95]),
    p99Ms: Number(row[p99]),
  })).filter((row) => Number.isFinite(row.requestsPerSecond));
}

/**
 * Why kali declined the options of a scenario, or null when it did not:
 * exit code 64 with a "not supported yet" complaint on stderr.
 */
export function notSupportedReason(exitCode: number, stderr: string): string | null {
  if (exitCode !== 64) return null;
  const line = stderr.split("\n").find((l) => /not supported yet/.test(l));
  return line ? line.trim() : null;
}
