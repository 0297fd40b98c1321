import assert from "node:assert/strict";
import { resultReport } from "../../src/report/final_report.ts";
import { buildResult } from "../../src/report/json_result.ts";
import { LatencyHistogram } from "../../src/stats/histogram.ts";
import { readResult, splitDocuments } from "../../src/stats/result_file.ts";
import { pointLatency } from "../../src/stats/series.ts";
import { countersOf, fakePoint, fakeResult } from "../_helpers/results.ts";
import { loadHistogramLibrary } from "../../src/stats/hdr_library.ts";

await loadHistogramLibrary();

function sample() {
  const connect = new LatencyHistogram();
  const message = new LatencyHistogram();
  for (let i = 0; i < 500; i++) connect.record(40 + i * 7);
  for (let i = 0; i < 3000; i++) message.record(1500 + ((i * 7919) % 250000));
  const start = Date.parse("2030-01-01T00:00:00Z");
  return fakeResult({
    counters: countersOf({
      bytesSent: 123456,
      bytesReceived: 654321,
      reads: 40,
      writes: 30,
      openOut: 10,
    }),
    runCounters: countersOf({ bytesSent: 130000, initiated: 10, openOut: 10 }),
    histograms: { connect, message },
    series: [1, 2].map((s) =>
      fakePoint(start, s, {
        bytesSent: 100 * s,
        latency: pointLatency({ message }, [{ label: "95", value: 95 }]),
      })
    ),
  });
}

Deno.test("every figure of a result file is recomputed from the file alone", () => {
  const original = sample();
  const lines = resultReport(original, false);
  const written = buildResult({
    result: original,
    reason: ["why"],
    reportLines: lines,
    thresholds: [],
  });
  const loaded = readResult(JSON.parse(JSON.stringify(written)), "r.json");
  assert.deepEqual(resultReport(loaded.result, false), lines);
  const rewritten = buildResult({ ...loaded, thresholds: [] });
  assert.deepEqual(JSON.parse(JSON.stringify(rewritten)), JSON.parse(JSON.stringify(written)));
});

Deno.test("a result of another format, or not a result, is refused in one line", () => {
  const written = JSON.parse(JSON.stringify(buildResult({
    result: sample(),
    reason: [],
    reportLines: [],
    thresholds: [],
  })));
  assert.throws(
    () => readResult({ ...written, kali: { version: "0.0.1", format: 1 } }, "old.json"),
    /^Error: old\.json: result format 1; this kali reads format 2$/,
  );
  assert.throws(() => readResult({ hello: 1 }, "x.json"), /x\.json: not a kali result/);
});

Deno.test("a stream of documents is split, text around and between them skipped", () => {
  const text = [
    "Destination: [127.0.0.1]:80",
    '{"a": {"b": "}{"},',
    '  "c": [1, 2]}',
    "Total data sent:     1 bytes {not json",
    "{ broken",
    '{"d": "\\"}"}',
    "Test duration: 1 s.",
  ].join("\n");
  assert.deepEqual(splitDocuments(text), [{ a: { b: "}{" }, c: [1, 2] }, { d: '"}' }]);
  assert.deepEqual(splitDocuments(""), []);
  assert.deepEqual(splitDocuments('{"x":1}{"y":2}'), [{ x: 1 }]);
});
