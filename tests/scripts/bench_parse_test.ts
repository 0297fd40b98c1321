import assert from "node:assert/strict";
import {
  notSupportedReason,
  parseIperf3Json,
  parseKaliReport,
  parseLatencyLine,
  parseRedisBenchmarkCsv,
  parseStraceSends,
  parseTimeOutput,
  parseWorkerTotals,
} from "../../scripts/bench_parse.ts";
import { renderNotes, renderTable, type Row } from "../../scripts/bench.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`./fixtures/${name}`, import.meta.url));

Deno.test("parseKaliReport reads a kali self-loop report", () => {
  const report = parseKaliReport(fixture("kali_vv.stdout"));
  assert.deepEqual(report, {
    sentBytes: 2658813829,
    receivedBytes: 2645299568,
    downMbps: 21142.796,
    upMbps: 21250.81,
    messageRate: null,
    connectLatency: null,
    firstByteLatency: null,
    messageLatency: null,
    correctedLatency: null,
    durationSeconds: 1.00093,
    closedLoop: null,
  });
});

Deno.test("parseKaliReport reads the closed-loop line", () => {
  const report = parseKaliReport(
    [
      "Total data sent:     0.8 MiB (788904 bytes)",
      "Total data received: 0.9 MiB (920367 bytes)",
      "Aggregate bandwidth: 1.471↓, 1.261↑ Mbps",
      "Test duration: 5.00603 s.",
      "Closed loop: 131481 answers (26264.5 requests/s), 3 timeouts, --in-flight 1",
    ].join("\n"),
  )!;
  assert.deepEqual(report.closedLoop, { answers: 131481, requestsPerSecond: 26264.5, timeouts: 3 });
});

Deno.test("parseKaliReport reads tcpkali's three latency lines", () => {
  const report = parseKaliReport(fixture("tcpkali_latency.stdout"))!;
  assert.deepEqual(report.connectLatency, { "50": 0.1, "90": 0.3, "99.9": 0.3 });
  assert.deepEqual(report.firstByteLatency, { "50": 20.7, "90": 21, "99.9": 21 });
  assert.deepEqual(report.messageLatency, { "50": 0.1, "90": 0.2, "99.9": 1.6 });
  assert.equal(report.sentBytes, 3010);
  assert.equal(report.durationSeconds, 3.00541);
});

Deno.test("parseKaliReport reads the marker-mode message rate", () => {
  const report = parseKaliReport(fixture("tcpkali_marker.stdout"))!;
  assert.deepEqual(report.messageRate, { down: 67, up: 0 });
  assert.deepEqual(report.messageLatency, { "95": 0.4, "99": 0.5, "99.5": 0.5 });
  assert.equal(report.upMbps, 0);
});

Deno.test("parseKaliReport reads kali's corrected message latency line", () => {
  const stdout = [
    "Total data sent:     58.6 KiB (60000 bytes)",
    "Total data received: 68.4 KiB (70000 bytes)",
    "Aggregate bandwidth: 0.112↓, 0.096↑ Mbps",
    "Message latency at percentiles: 0.1/0.4 ms (50/95%)",
    "Corrected message latency at percentiles: 0.2/1.9 ms (50/95%)",
    "Test duration: 5.0012 s.",
  ].join("\n");
  const report = parseKaliReport(stdout)!;
  assert.deepEqual(report.messageLatency, { "50": 0.1, "95": 0.4 });
  assert.deepEqual(report.correctedLatency, { "50": 0.2, "95": 1.9 });
});

Deno.test("parseKaliReport rejects output without a report", () => {
  assert.equal(parseKaliReport(""), null);
  assert.equal(parseKaliReport("Total data sent:     0 bytes (0 bytes)\n"), null);
});

Deno.test("parseLatencyLine needs as many values as labels", () => {
  assert.deepEqual(parseLatencyLine(" 1.5/2.0 ms (50/99%)"), { "50": 1.5, "99": 2 });
  assert.equal(parseLatencyLine(" 1.5 ms (50/99%)"), null);
});

Deno.test("parseWorkerTotals sums the -vv exit blocks of all workers", () => {
  const totals = parseWorkerTotals(fixture("kali_vv.stderr"));
  assert.deepEqual(totals, {
    workers: 2,
    connectionsInitiated: 3,
    connectionsAccepted: 3,
    connectionFailures: 0,
    connectionTimeouts: 0,
    dataSent: 2705088195,
    dataReceived: 2686652218,
  });
  assert.equal(parseWorkerTotals("Ramped up to 1 connections.\n").workers, 0);
});

Deno.test("parseIperf3Json reads the summed receiver rate", () => {
  const result = parseIperf3Json(fixture("iperf3_single.json"));
  assert.equal(result.receivedBitsPerSecond, 21759992326.675793);
  assert.equal(result.sentBitsPerSecond, 21771412382.72796);
  assert.equal(result.streams, 1);
  assert.equal(result.seconds, 1.00087);
});

Deno.test("parseIperf3Json throws iperf3's own error", () => {
  assert.throws(
    () => parseIperf3Json(fixture("iperf3_error.json")),
    /iperf3: unable to connect to server: Connection refused/,
  );
});

Deno.test("parseStraceSends counts sends and their bytes on TCP sockets apart from other writes, a split call once", () => {
  assert.deepEqual(parseStraceSends(fixture("strace_yy.txt")), { tcp: 5, tcpBytes: 25, other: 7 });
});

Deno.test("parseTimeOutput skips GNU time's exit-status line", () => {
  assert.deepEqual(parseTimeOutput(fixture("time_failed.txt")), {
    userSeconds: 0.64,
    systemSeconds: 0.8,
    maxRssKiB: 250724,
    elapsedSeconds: 3.83,
  });
  assert.equal(parseTimeOutput(""), null);
});

Deno.test("parseRedisBenchmarkCsv reads rps and percentiles per test", () => {
  const rows = parseRedisBenchmarkCsv(fixture("redis_benchmark.csv"));
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0], {
    test: "PING_INLINE",
    requestsPerSecond: 57471.27,
    p50Ms: 0.551,
    p95Ms: 0.815,
    p99Ms: 1.023,
  });
  assert.equal(rows[1].test, "PING_MBULK");
  assert.deepEqual(parseRedisBenchmarkCsv("Could not connect to Redis\n"), []);
});

Deno.test("notSupportedReason only accepts exit 64 with the complaint", () => {
  const stderr = "--ssl: TLS is not supported yet in this kali version\n";
  assert.equal(
    notSupportedReason(64, stderr),
    "--ssl: TLS is not supported yet in this kali version",
  );
  assert.equal(notSupportedReason(1, stderr), null);
  assert.equal(notSupportedReason(64, "Expected -w <N> (--workers)\n"), null);
});

Deno.test("renderTable never prints a number for a row that was not measured", () => {
  const rows: Row[] = [{
    scenario: "S1",
    what: "one stream",
    unit: "Gbit/s",
    kali: 15.004,
    reference: 10,
    referenceLabel: "iperf3 -P 1",
    ratio: 1.5004,
    target: "≥ 1.5×",
    met: true,
    digits: 2,
  }, {
    scenario: "S8",
    what: "TLS",
    unit: "Gbit/s",
    kali: null,
    reference: null,
    referenceLabel: "",
    ratio: null,
    target: "≥ 1 Gbit/s",
    met: null,
    note: "not supported yet: --ssl",
    digits: 2,
  }];
  const lines = renderTable(rows).split("\n");
  assert.equal(lines.length, 4);
  assert.match(
    lines[2],
    /\| 15\.00 Gbit\/s \| 10\.00 Gbit\/s \(iperf3 -P 1\) \| 1\.50× \|.*\| yes +\|$/,
  );
  assert.match(lines[3], /\| not measured +\| — +\| — +\|/);
  assert.equal(renderNotes(rows), "- S8 TLS: not supported yet: --ssl");
});
