import assert from "node:assert/strict";
import { checkThresholds, parseThreshold } from "../../src/cli/thresholds.ts";
import { UsageError } from "../../src/errors.ts";
import type { LatencyPlan } from "../../src/plan.ts";

Deno.test("the issue's threshold expressions parse, bounds in the metric's unit", () => {
  const parsed = (e: string) => {
    const t = parseThreshold(e);
    return [t.metric, t.operator, t.bound];
  };
  assert.deepEqual(parsed("message.p99 < 5ms"), [
    { type: "latency", kind: "message", statistic: { percentile: 99 } },
    "<",
    5,
  ]);
  assert.deepEqual(parsed("connect.p95 <= 100ms"), [
    { type: "latency", kind: "connect", statistic: { percentile: 95 } },
    "<=",
    100,
  ]);
  assert.deepEqual(parsed("corrected.p99.9 < 20ms"), [
    { type: "latency", kind: "corrected", statistic: { percentile: 99.9 } },
    "<",
    20,
  ]);
  assert.deepEqual(parsed("sent.mps >= 9900"), [{ type: "traffic", name: "sent.mps" }, ">=", 9900]);
  assert.deepEqual(parsed("bandwidth.down > 1Gbps"), [
    { type: "traffic", name: "bandwidth.down" },
    ">",
    125_000_000,
  ]);
  assert.deepEqual(parsed("sent.ratio >= 0.99"), [
    { type: "traffic", name: "sent.ratio" },
    ">=",
    0.99,
  ]);
  assert.deepEqual(parsed("connections.failed == 0"), [
    { type: "connections", name: "failed" },
    "==",
    0,
  ]);
  assert.deepEqual(parsed("connections.open >= 1000"), [
    { type: "connections", name: "open" },
    ">=",
    1000,
  ]);
});

Deno.test("threshold values take tcpkali's units, spacing is free", () => {
  assert.equal(parseThreshold("first-byte.max<0.2s").bound, 200);
  assert.equal(parseThreshold("message-marker.mean != 1").bound, 1000);
  assert.equal(parseThreshold("sent.mps >= 10k").bound, 10000);
  assert.equal(parseThreshold("sent.bytes > 2k").bound, 2048);
  assert.equal(parseThreshold("bandwidth.up >= 100Mbps").bound, 12_500_000);
  assert.equal(parseThreshold("sent.ratio >= 99%").bound, 0.99);
  assert.equal(parseThreshold("  connections.open >= 1k ").expression, "connections.open >= 1k");
});

Deno.test("a bad threshold is one usage line naming the problem", () => {
  const refused = (expression: string, pattern: RegExp) =>
    assert.throws(() => parseThreshold(expression), (e: UsageError) => {
      assert.equal(e.exitCode, 64);
      assert.equal(e.lines.length, 1);
      assert.match(e.lines[0], pattern);
      return true;
    });
  refused("message.p99", /expected METRIC OP VALUE/);
  refused("message.p99 =< 5ms", /expected METRIC OP VALUE/);
  refused("latency.p99 < 5ms", /unknown metric "latency.p99"/);
  refused("message.p101 < 5ms", /unknown metric/);
  refused("connections.closed == 0", /unknown metric/);
  refused("message.p99 < 5 ms", /expected METRIC OP VALUE/);
  refused("message.p99 < 5parsecs", /"5parsecs" is not a time/);
  refused("bandwidth.down > fast", /is not a bandwidth/);
  refused("sent.ratio > x", /is not a ratio/);
});

const LATENCY: LatencyPlan = {
  connect: true,
  firstByte: false,
  marker: null,
  markerSkip: 0,
  messageMarker: false,
  percentiles: [],
  rateSearch: null,
  corrected: false,
};

Deno.test("a threshold on what the run does not measure is refused before the run", () => {
  checkThresholds(
    [parseThreshold("connect.p95 <= 100ms"), parseThreshold("sent.mps > 1")],
    LATENCY,
  );
  assert.throws(
    () => checkThresholds([parseThreshold("message.p99 < 5ms")], LATENCY),
    /message latency is not measured \(it needs --latency-marker or --message-marker\)/,
  );
  assert.throws(
    () => checkThresholds([parseThreshold("received.mps > 1")], LATENCY),
    /marker mode only/,
  );
  checkThresholds([parseThreshold("received.mps > 1")], { ...LATENCY, messageMarker: true });
});
