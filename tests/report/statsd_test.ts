import assert from "node:assert/strict";
import { DEFAULT_PERCENTILES, parsePercentiles } from "../../src/cli/percentiles.ts";
import {
  encodeStatsdBatch,
  latencyMetrics,
  MAX_DATAGRAM_BYTES,
  type StatsdMetric,
  trafficMetrics,
  ZERO_TRAFFIC,
} from "../../src/report/statsd.ts";
import { LatencyHistogram } from "../../src/stats/histogram.ts";
import { loadHistogramLibrary } from "../../src/stats/hdr_library.ts";

await loadHistogramLibrary();

const decoder = new TextDecoder();
const text = (datagrams: Uint8Array[]) => datagrams.map((d) => decoder.decode(d));

function filled(samples: number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const s of samples) histogram.record(s);
  return histogram;
}

/** Reference 12.3 lines, each followed by "\n". */
const lines = (block: string) => block.trim().split("\n").map((l) => `${l}\n`).join("");

const STARTUP = lines(`
tcpkali.connections.opened:0|c
tcpkali.connections.total:0|g
tcpkali.connections.total.in:0|g
tcpkali.connections.total.out:0|g
tcpkali.traffic.bitrate:0|g
tcpkali.traffic.bitrate.in:0|g
tcpkali.traffic.bitrate.out:0|g
tcpkali.traffic.data:0|c
tcpkali.traffic.data.rcvd:0|c
tcpkali.traffic.data.sent:0|c
tcpkali.traffic.data.reads:0|c
tcpkali.traffic.data.writes:0|c
tcpkali.traffic.msgs.rcvd:0|c
tcpkali.traffic.msgs.sent:0|c
`);

const STEADY = [
  lines(`
tcpkali.connections.opened:1|c
tcpkali.connections.total:2|g
tcpkali.connections.total.in:0|g
tcpkali.connections.total.out:2|g
tcpkali.traffic.bitrate:962|g
tcpkali.traffic.bitrate.in:481|g
tcpkali.traffic.bitrate.out:481|g
tcpkali.traffic.data:32|c
tcpkali.traffic.data.rcvd:16|c
tcpkali.traffic.data.sent:16|c
tcpkali.traffic.data.reads:4|c
tcpkali.traffic.data.writes:4|c
tcpkali.traffic.msgs.rcvd:0|c
tcpkali.traffic.msgs.sent:0|c
tcpkali.latency.connect.95:0.1|g
tcpkali.latency.connect.99:0.1|g
`),
  lines(`
tcpkali.latency.connect.99.5:0.1|g
tcpkali.latency.connect.min:0.0|g
tcpkali.latency.connect.mean:0.1|g
tcpkali.latency.connect.max:0.1|g
tcpkali.latency.firstbyte.95:101.4|g
tcpkali.latency.firstbyte.99:101.4|g
tcpkali.latency.firstbyte.99.5:101.4|g
tcpkali.latency.firstbyte.min:100.5|g
tcpkali.latency.firstbyte.mean:101.0|g
tcpkali.latency.firstbyte.max:101.4|g
tcpkali.latency.message.95:0.3|g
tcpkali.latency.message.99:0.3|g
tcpkali.latency.message.99.5:0.3|g
tcpkali.latency.message.min:0.2|g
`),
  lines(`
tcpkali.latency.message.mean:0.2|g
tcpkali.latency.message.max:0.3|g
`),
];

const WINDOW = lines(`
foo.bar.latency.message.50:0.2|g
foo.bar.latency.message.100:0.3|g
foo.bar.latency.message.min:0.2|g
foo.bar.latency.message.mean:0.2|g
foo.bar.latency.message.max:0.3|g
`);

Deno.test("startup batch: the 14 zero metrics in one 427-byte datagram", () => {
  const datagrams = encodeStatsdBatch(trafficMetrics(ZERO_TRAFFIC));
  assert.deepEqual(text(datagrams), [STARTUP]);
  assert.equal(datagrams[0].length, 427);
});

/** Samples that reproduce the captured batch's figures. */
function capturedHistograms() {
  return {
    connect: filled([50, 150]),
    firstbyte: filled([100_500, 101_400]),
    message: filled([200, 300]),
  };
}

Deno.test("steady batch splits into the captured 502/501/69-byte datagrams", () => {
  const metrics = [
    ...trafficMetrics({
      opened: 1,
      connectionsIn: 0,
      connectionsOut: 2,
      bitsPerSecondIn: 481.4,
      bitsPerSecondOut: 481.4,
      bytesReceived: 16,
      bytesSent: 16,
      reads: 4,
      writes: 4,
      messagesReceived: 0,
      messagesSent: 0,
    }),
    ...latencyMetrics(capturedHistograms(), DEFAULT_PERCENTILES),
  ];
  const datagrams = encodeStatsdBatch(metrics, "tcpkali");
  assert.deepEqual(text(datagrams), STEADY);
  assert.deepEqual(datagrams.map((d) => d.length), [502, 501, 69]);
});

Deno.test("window batch: latency gauges only, namespace and labels as given (170 bytes)", () => {
  const metrics = latencyMetrics(
    { message: filled([200, 300]) },
    parsePercentiles("50,100"),
  );
  const datagrams = encodeStatsdBatch(metrics, "foo.bar");
  assert.deepEqual(text(datagrams), [WINDOW]);
  assert.equal(datagrams[0].length, 170);
});

Deno.test("latency gauges skip disabled and empty histograms; empty batch sends nothing", () => {
  const metrics = latencyMetrics(
    { connect: new LatencyHistogram(), message: filled([200]) },
    DEFAULT_PERCENTILES,
  );
  assert.deepEqual(metrics.map((m) => m.name), [
    "latency.message.95",
    "latency.message.99",
    "latency.message.99.5",
    "latency.message.min",
    "latency.message.mean",
    "latency.message.max",
  ]);
  assert.deepEqual(latencyMetrics({ connect: new LatencyHistogram() }, DEFAULT_PERCENTILES), []);
  assert.deepEqual(encodeStatsdBatch([]), []);
});

Deno.test("gauges and counters print truncated integers", () => {
  const metrics = trafficMetrics({
    ...ZERO_TRAFFIC,
    bitsPerSecondIn: 1999.9,
    bitsPerSecondOut: 0.6,
    bytesReceived: 5_000_000_000,
  });
  const value = (name: string) => metrics.find((m) => m.name === name)?.value;
  assert.equal(value("traffic.bitrate"), "2000");
  assert.equal(value("traffic.bitrate.in"), "1999");
  assert.equal(value("traffic.bitrate.out"), "0");
  assert.equal(value("traffic.data.rcvd"), "5000000000");
});

Deno.test("datagrams are filled greedily and never exceed 511 bytes", () => {
  const metrics: StatsdMetric[] = [];
  for (let i = 0; i < 200; i++) {
    metrics.push({ name: `m${"x".repeat(i % 37)}.${i}`, type: i % 2 ? "c" : "g", value: `${i}` });
  }
  const namespace = "ns.ü"; // counted in bytes
  const datagrams = text(encodeStatsdBatch(metrics, namespace));
  const expectedLines = metrics.map((m) => `${namespace}.${m.name}:${m.value}|${m.type}\n`);
  assert.equal(datagrams.join(""), expectedLines.join(""));
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  datagrams.forEach((d, i) => {
    assert.ok(bytes(d) <= MAX_DATAGRAM_BYTES, `datagram ${i}: ${bytes(d)}`);
    assert.ok(d.endsWith("\n"));
    if (i + 1 < datagrams.length) {
      const nextLine = datagrams[i + 1].slice(0, datagrams[i + 1].indexOf("\n") + 1);
      assert.ok(bytes(d) + bytes(nextLine) > MAX_DATAGRAM_BYTES, `datagram ${i} not full`);
    }
  });
});
