import assert from "node:assert/strict";
import { parseThreshold } from "../../src/cli/thresholds.ts";
import { LatencyHistogram } from "../../src/stats/histogram.ts";
import { evaluateThresholds } from "../../src/stats/thresholds.ts";
import { countersOf, fakeResult } from "../_helpers/results.ts";
import { loadHistogramLibrary } from "../../src/stats/hdr_library.ts";

await loadHistogramLibrary();

function result() {
  const message = new LatencyHistogram();
  for (let i = 1; i <= 100; i++) message.record(i * 100); // 0.1 .. 10 ms
  return fakeResult({
    durationSeconds: 10,
    counters: countersOf({
      messagesWritten: 9950,
      bytesReceived: 2_000_000_000,
      bytesSent: 1000,
      openIn: 3,
      openOut: 1000,
    }),
    runCounters: countersOf({ failures: 2, initiated: 1002, accepted: 3, timeouts: 1 }),
    messagesAsked: 10000,
    histograms: { message },
  });
}

const outcome = (expression: string) => {
  const [o] = evaluateThresholds(result(), [parseThreshold(expression)]);
  return [o.passed, o.measured, o.unit];
};

Deno.test("thresholds measure the figures the report prints, in the metric's unit", () => {
  assert.deepEqual(outcome("message.p99 < 10ms"), [true, 9.9, "ms"]);
  assert.deepEqual(outcome("message.p99 < 9.9ms"), [false, 9.9, "ms"]);
  assert.deepEqual(outcome("message.max <= 10ms"), [true, 10, "ms"]);
  assert.deepEqual(outcome("sent.mps >= 995"), [true, 995, "mps"]);
  assert.deepEqual(outcome("sent.ratio >= 0.99"), [true, 0.995, "ratio"]);
  assert.deepEqual(outcome("sent.ratio >= 0.996"), [false, 0.995, "ratio"]);
  assert.deepEqual(outcome("bandwidth.down > 1Gbps"), [true, 200_000_000, "B/s"]);
  assert.deepEqual(outcome("bandwidth.up > 1Gbps"), [false, 100, "B/s"]);
  assert.deepEqual(outcome("connections.open >= 1000"), [true, 1003, "connections"]);
  assert.deepEqual(outcome("connections.failed == 0"), [false, 2, "connections"]);
  assert.deepEqual(outcome("connections.timeouts != 0"), [true, 1, "connections"]);
});

Deno.test("a threshold the result does not measure fails, measured null", () => {
  assert.deepEqual(outcome("connect.p95 < 1s"), [false, null, "ms"]);
  const unpaced = fakeResult({ messagesAsked: null });
  const [o] = evaluateThresholds(unpaced, [parseThreshold("sent.ratio > 0")]);
  assert.deepEqual([o.passed, o.measured], [false, null]);
});
