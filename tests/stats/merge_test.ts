/**
 * Merging results: exact (one set of latencies split across three results
 * merges back to the histogram of all of them, count for count), counters
 * and series summed by Unix time, and results of different loads refused.
 */
import assert from "node:assert/strict";
import { buildResult } from "../../src/report/json_result.ts";
import { LatencyHistogram } from "../../src/stats/histogram.ts";
import { mergeResults } from "../../src/stats/merge.ts";
import { type LoadedResult, readResult } from "../../src/stats/result_file.ts";
import { pointLatency } from "../../src/stats/series.ts";
import type { RunResult } from "../../src/stats/result.ts";
import { resultReport } from "../../src/report/final_report.ts";
import { C } from "../../src/stats/counters.ts";
import type { RateSearchVerdict } from "../../src/stats/result.ts";
import {
  bucketCounts,
  countersOf,
  fakePoint,
  fakeResult,
  fakeStagedResult,
  histogramOf,
} from "../_helpers/results.ts";
import { Random } from "../../src/content/random.ts";
import { loadHistogramLibrary } from "../../src/stats/hdr_library.ts";

await loadHistogramLibrary();

const START = Date.parse("2030-01-01T00:00:00Z");
const PERCENTILES = [{ label: "95", value: 95 }, { label: "99", value: 99 }];

/** Through the JSON file and back, as `kali merge` reads it. */
function viaFile(result: RunResult, name: string): LoadedResult {
  const text = JSON.stringify(
    buildResult({ result, reason: [], reportLines: ["x"], thresholds: [] }),
  );
  return readResult(JSON.parse(text), name);
}

/** 30 000 latencies, log-uniform from 1 µs to ~1.6 s, each in one of 10 seconds. */
function recordedSet(): { micros: number; second: number }[] {
  const random = new Random(15);
  return Array.from({ length: 30000 }, () => ({
    micros: Math.floor(Math.exp((random.below(1_000_000) / 1_000_000) * 14.3)),
    second: 1 + random.below(10),
  }));
}

Deno.test("one set of latencies split across 3 results merges to its histogram, count for count", () => {
  const samples = recordedSet();
  const whole = new LatencyHistogram();
  const wholePerSecond = Array.from({ length: 11 }, () => new LatencyHistogram());
  const parts = [0, 1, 2].map(() => ({
    total: new LatencyHistogram(),
    perSecond: Array.from({ length: 11 }, () => new LatencyHistogram()),
  }));
  const random = new Random(3);
  for (const { micros, second } of samples) {
    const part = parts[random.below(3)];
    for (const h of [whole, wholePerSecond[second], part.total, part.perSecond[second]]) {
      h.record(micros);
    }
  }
  const loaded = parts.map((part, i) => {
    // Shards started 0.3 s apart: their points end in the same whole seconds.
    const start = START + 100 + i * 300;
    const series = part.perSecond.slice(1).map((h, s) =>
      fakePoint(start, s + 1, { latency: pointLatency({ message: h }, PERCENTILES) })
    );
    return viaFile(
      fakeResult({ startedAt: new Date(start), histograms: { message: part.total }, series }),
      `p${i}`,
    );
  });
  const merged = mergeResults(loaded).result;
  assert.equal(merged.histograms.message!.count, samples.length);
  assert.deepEqual(bucketCounts(merged.histograms.message!), bucketCounts(whole));
  for (const p of [0, 50, 90, 95, 99, 99.9, 99.99, 100]) {
    assert.equal(merged.histograms.message!.percentileMs(p), whole.percentileMs(p), `p${p}`);
  }
  // Per second too: the merged point of each second holds that second's samples.
  assert.equal(merged.series.length, 10);
  merged.series.forEach((point, i) => {
    assert.equal(point.unixTime, START / 1000 + i + 2, "points end in the next whole second");
    assert.deepEqual(
      bucketCounts(point.latency!.message!.histogram),
      bucketCounts(wholePerSecond[i + 1]),
    );
  });
});

Deno.test("merge sums counters, series traffic and connection levels, and rates span the runs", () => {
  const a = fakeResult({
    counters: countersOf({ bytesSent: 1000, openOut: 10, messagesWritten: 50 }),
    runCounters: countersOf({ bytesSent: 1200, initiated: 10, failures: 1 }),
    series: [fakePoint(START, 1, { bytesSent: 400, connectionsOut: 10 })],
  });
  const b = fakeResult({
    startedAt: new Date(START + 2000),
    countedFrom: new Date(START + 2100),
    counters: countersOf({ bytesSent: 3000, openOut: 10, messagesWritten: 70 }),
    runCounters: countersOf({ bytesSent: 3300, initiated: 12, failures: 2 }),
    series: [fakePoint(START + 2000, 1, { t: 1, bytesSent: 600, connectionsOut: 7 })],
    messagesAsked: 5000,
  });
  const merged = mergeResults([viaFile(a, "a.json"), viaFile(b, "b.json")]);
  const r = merged.result;
  assert.equal(r.counters[0], 4000);
  assert.equal(r.runCounters[0], 4500);
  assert.equal(r.durationSeconds, 12, "from a's steady start to b's steady end");
  assert.equal(r.messagesAsked, 15000);
  assert.equal(r.setup.asked.connections, 20);
  assert.deepEqual(r.parts.map((p) => p.host), ["test-host", "test-host"]);
  assert.deepEqual(
    r.series.map((p) => [p.unixTime - START / 1000, p.bytesSent, p.connectionsOut]),
    [
      [1, 400, 10],
      [3, 600, 7],
    ],
  );
  assert.deepEqual(merged.warnings, []);
});

Deno.test("merge refuses results of different loads with one line naming the difference", () => {
  const base = viaFile(fakeResult(), "a.json");
  const rate = fakeResult();
  rate.setup = { ...rate.setup, asked: { ...rate.setup.asked, messageRate: 200 } };
  assert.throws(
    () => mergeResults([base, viaFile(rate, "b.json")]),
    (e: Error) =>
      /^kali merge: b\.json has a rate of 200 messages\/s per connection, a\.json has 100 /.test(
        e.message,
      ) && !e.message.includes("\n"),
  );
  const content = fakeResult();
  content.setup = { ...content.setup, asked: { ...content.setup.asked, content: "beef" } };
  assert.throws(
    () => mergeResults([base, viaFile(content, "c.json")]),
    /c\.json has message content beef/,
  );
  const latency = fakeResult({ histograms: { connect: new LatencyHistogram() } });
  assert.throws(
    () => mergeResults([base, viaFile(latency, "d.json")]),
    /latency measurements connect, a\.json has none/,
  );
});

Deno.test("merge warns when a result overlaps no other in time, and about missing shards", () => {
  const shard = (index: number, start: number) => {
    const r = fakeResult({ startedAt: new Date(start), countedFrom: new Date(start) });
    r.setup = { ...r.setup, shard: { index, count: 3 } };
    return r;
  };
  const merged = mergeResults([
    viaFile(shard(1, START), "a.json"),
    viaFile(shard(1, START + 1000), "b.json"),
    viaFile(shard(2, START + 60_000), "c.json"),
  ]);
  assert.deepEqual(merged.warnings, [
    "kali merge: WARNING: c.json overlaps no other result in time: rates are over the whole span, gaps included",
    "kali merge: WARNING: shard 1 of 3 appears more than once",
    "kali merge: WARNING: shard 0 of 3 is missing",
  ]);
});

Deno.test("merge checks it got each shard of a set exactly once (indices from 0)", () => {
  const part = (shard: { index: number; count: number } | null) => {
    const r = fakeResult({ startedAt: new Date(START), countedFrom: new Date(START) });
    r.setup = { ...r.setup, shard };
    return r;
  };
  const warnings = (shards: ({ index: number; count: number } | null)[]) =>
    mergeResults(shards.map((s, i) => viaFile(part(s), `${i}.json`))).warnings;
  const of = (count: number, ...indices: number[]) => indices.map((index) => ({ index, count }));
  // Each of 0..N-1 once: nothing to say, whatever the order.
  assert.deepEqual(warnings(of(3, 2, 0, 1)), []);
  assert.deepEqual(warnings(of(1, 0)), []);
  // Unsharded results: no shard set to check.
  assert.deepEqual(warnings([null, null]), []);
  assert.deepEqual(warnings(of(4, 0, 3)), ["kali merge: WARNING: shards 1, 2 of 4 are missing"]);
  assert.deepEqual(warnings(of(3, 0, 1, 2, 2, 1, 2)), [
    "kali merge: WARNING: shards 1, 2 of 3 appear more than once",
  ]);
  assert.deepEqual(warnings([...of(2, 0, 1), ...of(3, 0, 1, 2)]), [
    "kali merge: WARNING: the shards come from sets of 2, 3",
  ]);
  assert.deepEqual(warnings([...of(2, 1), null]), [
    "kali merge: WARNING: 1 of the results ran the whole load, not a shard",
    "kali merge: WARNING: shard 0 of 2 is missing",
  ]);
});

Deno.test("merge says how far apart scheduled runs started, and which started late", () => {
  const at = new Date(START);
  const part = (index: number, lateMs: number) => {
    const started = new Date(START + lateMs);
    const r = fakeResult({ startedAt: started, countedFrom: started });
    r.setup = { ...r.setup, shard: { index, count: 3 } };
    return { ...r, startAt: at, startLatenessMs: lateMs };
  };
  const merged = mergeResults([
    viaFile(part(0, 2), "a.json"),
    viaFile(part(1, 9), "b.json"),
    viaFile(part(2, 1500), "c.json"),
  ]);
  assert.deepEqual(merged.warnings, [
    "kali merge: WARNING: c.json (shard 2 of 3) started 1.500 s after its --start-at",
    "kali merge: the 3 scheduled runs started within 1498 ms",
  ]);
  // Runs started at once (no --start-at): nothing said about their starts.
  const plain = fakeResult({ startedAt: at, countedFrom: at });
  assert.deepEqual(mergeResults([viaFile(plain, "x"), viaFile(plain, "y")]).warnings, []);
});

/** Shard `index` of 2 of a staged closed-loop run, from its steady start `at`. */
function stagedShard(latencies: number[][], sent: number[], index: number, at: number) {
  const r = fakeStagedResult(latencies, sent, {
    connections: 2,
    startedAt: new Date(at - 100),
    countedFrom: new Date(at),
  });
  r.setup = { ...r.setup, shard: { index, count: 2 } };
  return r;
}

Deno.test("shards of one staged run merge stage by stage: each stage's histogram exact", () => {
  const samples = recordedSet();
  const random = new Random(7);
  // Each stage's latencies, dealt at random to two shards.
  const split: number[][][] = [[[], [], []], [[], [], []]];
  const whole: number[][] = [[], [], []];
  for (const { micros, second } of samples) {
    const stage = second % 3;
    whole[stage].push(micros);
    split[random.below(2)][stage].push(micros);
  }
  const shards = [
    stagedShard(split[0], [20, 400, 3], 0, START),
    stagedShard(split[1], [22, 380, 0], 1, START + 250),
  ];
  const merged = mergeResults(shards.map((r, i) => viaFile(r, `s${i}.json`))).result;
  const stages = merged.stages!;
  assert.equal(stages.length, 3);
  stages.forEach((stage, i) => {
    assert.equal(stage.latency!.count, whole[i].length, `stage ${i + 1}`);
    assert.deepEqual(bucketCounts(stage.latency!), bucketCounts(histogramOf(whole[i])));
    for (const p of [50, 95, 99, 99.9, 100]) {
      assert.equal(stage.latency!.percentileMs(p), histogramOf(whole[i]).percentileMs(p));
    }
    assert.equal(stage.stage.label, shards[0].stages![i].stage.label);
  });
  assert.deepEqual(stages.map((s) => s.counters[C.messagesWritten]), [42, 780, 3]);
  assert.deepEqual(stages.map((s) => s.counters[C.openOut]), [4, 4, 0], "connections summed");
  assert.deepEqual(stages.map((s) => s.stage.connections), [4, 4, 0], "the targets of the whole");
  // Stage 1 of the second shard ends 0.25 s after the first's: rates are over both.
  assert.ok(Math.abs(stages[0].durationSeconds - 1.252) < 1e-9, String(stages[0].durationSeconds));
  // The report of the whole: the closed loop's answers summed, a row per stage.
  const lines = resultReport(merged, false);
  assert.ok(
    lines.includes(
      `Closed loop: ${samples.length} answers (${
        (samples.length / merged.durationSeconds).toFixed(1)
      } requests/s), 0 timeouts, --in-flight 2`,
    ),
    lines.join("\n"),
  );
  const row = lines.find((l) => l.startsWith("2 2s:r=100"))!;
  const p95 = histogramOf(whole[1]).percentileMs(95).toFixed(1);
  assert.match(row, new RegExp(`\\s4\\s.*\\s${p95.replace(".", "\\.")}/`), row);
  // Written and merged again (a merge of merges), the stages stay exact.
  const again = mergeResults([viaFile(merged, "m.json")]).result;
  assert.deepEqual(bucketCounts(again.stages![1].latency!), bucketCounts(histogramOf(whole[1])));
});

Deno.test("merge refuses different stage lists and closed-loop settings in one line", () => {
  const a = viaFile(fakeStagedResult([[100], [200], []], [1, 2, 3]), "a.json");
  const other = fakeStagedResult([[100], [200], []], [1, 2, 3]);
  const stages = other.setup.options.stages as { label: string; durationMs: number }[];
  stages[1] = { ...stages[1], label: "3s:r=100", durationMs: 3000 };
  assert.throws(
    () => mergeResults([a, viaFile(other, "b.json")]),
    (e: Error) =>
      e.message ===
        "kali merge: b.json has --stage 1s:c=4,r=20 --stage 3s:r=100 --stage 1s:c=0, a.json has " +
          "--stage 1s:c=4,r=20 --stage 2s:r=100 --stage 1s:c=0: results of different loads do not add up",
  );
  const unstaged = fakeResult({ histograms: { message: histogramOf([100]) } });
  assert.throws(
    () => mergeResults([a, viaFile(unstaged, "c.json")]),
    /^Error: kali merge: c\.json has no --stage, a\.json has --stage 1s:c=4,r=20 /,
  );
  const inFlight = fakeStagedResult([[100], [200], []], [1, 2, 3]);
  const loop = { inFlight: 16, responseTimeoutMs: 500, closeOnTimeout: false };
  inFlight.setup = {
    ...inFlight.setup,
    workload: { closedLoop: loop, answersCounted: true },
    options: { ...inFlight.setup.options, closedLoop: loop },
  };
  assert.throws(
    () => mergeResults([a, viaFile(inFlight, "d.json")]),
    (e: Error) =>
      e.message ===
        "kali merge: d.json has --closed-loop --in-flight 16 --response-timeout 500ms, a.json has " +
          "--closed-loop --in-flight 2 --response-timeout 500ms: results of different loads do not add up",
  );
});

Deno.test("a shard that ended early adds only the stages it ran, with a warning", () => {
  const full = stagedShard([[100], [200], [300]], [1, 2, 3], 0, START);
  const short = stagedShard([[150], [250], []], [1, 2, 0], 1, START);
  short.stages = short.stages!.slice(0, 2);
  short.status = "interrupted";
  const merged = mergeResults([viaFile(full, "a.json"), viaFile(short, "b.json")]);
  assert.deepEqual(merged.warnings, [
    "kali merge: WARNING: b.json ran 2 of 3 stages: the later stages add up fewer runs",
  ]);
  assert.deepEqual(merged.result.stages!.map((s) => s.latency?.count), [2, 2, 1]);
});

Deno.test("rate searches do not add up: each part's search is printed, labelled by its run", () => {
  const search = (rate: number): RateSearchVerdict => {
    const best = {
      rate,
      latencyMs: 1.5,
      samples: 300,
      seconds: 1,
      sentRate: rate,
      met: true,
      note: "",
    };
    const percentile = { label: "95", value: 95 };
    return { kind: "found", best, probes: [best], percentile, target: "5ms", targetMs: 5 };
  };
  const part = (index: number, host: string, rate: number) => {
    const r = fakeResult({ rateSearch: search(rate) });
    r.setup = { ...r.setup, host, shard: { index, count: 2 } };
    return viaFile(r, `${host}.json`);
  };
  const merged = mergeResults([part(0, "node-a", 300), part(1, "node-b", 280)]).result;
  assert.equal(merged.rateSearch, null, "no rate of the whole");
  const lines = [
    "Rate search (node-a, shard 0/2): best --message-rate 300 (1.5 ms⁹⁵ᵖ under 5ms), 1 probe",
    "Rate search (node-b, shard 1/2): best --message-rate 280 (1.5 ms⁹⁵ᵖ under 5ms), 1 probe",
  ];
  const report = resultReport(merged, false);
  assert.deepEqual(report.filter((l) => l.startsWith("Rate search")), lines);
  // The merged file keeps each part's search: merged again, the same lines.
  const again = mergeResults([viaFile(merged, "m.json")]).result;
  assert.deepEqual(resultReport(again, false).filter((l) => l.startsWith("Rate search")), lines);
  // A search and a plain run are different loads.
  const plain = fakeResult();
  const searched = fakeResult({ rateSearch: search(300) });
  searched.setup = {
    ...searched.setup,
    options: { ...searched.setup.options, latency: { rateSearchMs: 5, percentiles: [] } },
  };
  assert.throws(
    () => mergeResults([viaFile(plain, "p.json"), viaFile(searched, "s.json")]),
    /^Error: kali merge: s\.json has a -r @ bound of 5 ms, p\.json has no -r @ search: /,
  );
});
