import assert from "node:assert/strict";
import { resultReport } from "../../src/report/final_report.ts";
import { buildResult } from "../../src/report/json_result.ts";
import { LatencyHistogram } from "../../src/stats/histogram.ts";
import { readResult, splitDocuments } from "../../src/stats/result_file.ts";
import { pointLatency } from "../../src/stats/series.ts";
import {
  bucketCounts,
  countersOf,
  fakePoint,
  fakeResult,
  fakeStagedResult,
} from "../_helpers/results.ts";
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

/** A staged closed-loop run with a `-r @` search, written as `--json` writes it. */
function stagedFile() {
  const latencies = [[300, 310, 900], [1200, 1500, 2500, 40000], []];
  const original = fakeStagedResult(latencies, [20, 400, 3]);
  const probe = (rate: number, latencyMs: number, met: boolean) => ({
    rate,
    latencyMs,
    samples: 200,
    seconds: 1.5,
    sentRate: rate,
    met,
    note: met ? "" : "too slow",
  });
  const probes = [probe(100, 0.4, true), probe(400, NaN, false), probe(250, 1.25, true)];
  original.rateSearch = {
    kind: "found",
    best: probes[2],
    probes,
    percentile: { label: "99", value: 99 },
    target: "0.002s",
    targetMs: 2,
  };
  const lines = resultReport(original, false);
  const written = buildResult({ result: original, reason: [], reportLines: lines, thresholds: [] });
  return { original, lines, written: JSON.parse(JSON.stringify(written)) };
}

Deno.test("stages, closed loop and rate search are read back: the same lines, the same histograms", () => {
  const { original, lines, written } = stagedFile();
  assert.ok(lines.some((l) => l.startsWith("Closed loop: 7 answers")), lines.join("\n"));
  assert.ok(lines.some((l) => l.startsWith("Rate search: best --message-rate 250")));
  assert.ok(lines.some((l) => l.startsWith("2 2s:r=100")));
  const loaded = readResult(written, "r.json");
  assert.deepEqual(loaded.notes, []);
  assert.deepEqual(resultReport(loaded.result, false), lines);
  const stages = loaded.result.stages!;
  assert.deepEqual(stages.map((s) => s.stage), original.stages!.map((s) => s.stage));
  assert.deepEqual(
    stages.map((s) => [...s.counters]),
    original.stages!.map((s) => [...s.counters]),
  );
  for (const [i, stage] of stages.entries()) {
    const before = original.stages![i].latency;
    if (before === null) assert.equal(stage.latency, null);
    else assert.deepEqual(bucketCounts(stage.latency!), bucketCounts(before));
  }
  assert.ok(Number.isNaN(loaded.result.rateSearch!.probes[1].latencyMs), "no answers: NaN again");
  assert.deepEqual(loaded.result.setup.workload?.closedLoop, original.setup.workload?.closedLoop);
  // And written again, the same document.
  const rewritten = buildResult({ ...loaded, thresholds: [] });
  assert.deepEqual(JSON.parse(JSON.stringify(rewritten)), written);
});

Deno.test("an older file's stages (no counters, no histograms) are not invented: one note", () => {
  const { lines, written } = stagedFile();
  // As kali wrote stages before they kept counters and histograms.
  for (const stage of written.stages) {
    delete stage.counters;
    if (stage.latency) stage.latency = { count: stage.latency.count, percentiles: [] };
  }
  delete written.rateSearch.target;
  const loaded = readResult(written, "old.json");
  assert.equal(loaded.result.stages, null);
  assert.deepEqual(loaded.notes, [
    "old.json: an older kali wrote its stages without counters and histograms: the stage table cannot be recomputed from it",
  ]);
  // What the file can give back still is: the closed loop, the search (its bound in ms).
  const again = resultReport(loaded.result, false);
  assert.ok(again.includes(lines.find((l) => l.startsWith("Closed loop:"))!));
  assert.ok(again.includes("Rate search: best --message-rate 250 (1.2 ms⁹⁹ᵖ under 2ms), 3 probes"));
  assert.ok(!again.some((l) => l.startsWith("Stage ")), "no stage table made up");
  assert.deepEqual(loaded.reportLines, lines, "the text it holds is as printed");
});

Deno.test("a stage histogram that is not one is refused in one line", () => {
  const { written } = stagedFile();
  written.stages[1].latency.histogram = "not base64 at all";
  assert.throws(
    () => readResult(written, "bad.json"),
    /^Error: bad\.json: stages\[1\]\.latency\.histogram is not an HdrHistogram$/,
  );
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
