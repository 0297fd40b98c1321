import assert from "node:assert/strict";
import type { ClosedLoopPlan } from "../../src/plan.ts";
import { percentileMark, probeDoneLine } from "../../src/report/progress.ts";
import { closedLoopLine, rateSearchLine, stageTable } from "../../src/report/workload_lines.ts";
import { C, newCounters } from "../../src/stats/counters.ts";
import { LatencyHistogram } from "../../src/stats/histogram.ts";
import type { ProbeRecord, RunResult, StageResult } from "../../src/stats/result.ts";
import type { WorkloadSetup } from "../../src/stats/run_setup.ts";
import { loadHistogramLibrary } from "../../src/stats/hdr_library.ts";

await loadHistogramLibrary();

const P95 = { label: "95", value: 95 };

/** A setup with what the lines read. */
function setup(over: Partial<WorkloadSetup> = {}): WorkloadSetup {
  return { closedLoop: null, answersCounted: false, ...over };
}

/** A result with `counters` over `seconds` and the given workload setup. */
function result(counters: Float64Array, seconds: number, workload: WorkloadSetup): RunResult {
  return { counters, durationSeconds: seconds, setup: { workload } } as unknown as RunResult;
}

function probe(rate: number, latencyMs: number, met: boolean, note = ""): ProbeRecord {
  return { rate, latencyMs, samples: 412, seconds: 1.02, sentRate: rate, met, note };
}

Deno.test("percentile marks are superscripts with tcpkali's ᵖ", () => {
  assert.equal(percentileMark("95"), "⁹⁵ᵖ");
  assert.equal(percentileMark("99.9"), "⁹⁹·⁹ᵖ");
});

Deno.test("a probe's line: rate, measured percentile, answers, verdict", () => {
  const event = { percentile: P95, target: "20ms" };
  assert.equal(
    probeDoneLine({ ...event, record: probe(400, 0.34, true) }),
    "--message-rate 400: 0.3 ms⁹⁵ᵖ (412 answers in 1.02 s) meets 20ms",
  );
  assert.equal(
    probeDoneLine({ ...event, record: probe(1600, NaN, false, "only 3 answers in 5.0 s") }),
    "--message-rate 1600: no latency (412 answers in 1.02 s) misses 20ms (only 3 answers in 5.0 s)",
  );
});

Deno.test("the closed-loop line: answers, requests per second, timeouts", () => {
  const counters = newCounters();
  counters[C.responses] = 1000;
  counters[C.responseTimeouts] = 2;
  assert.deepEqual(closedLoopLine(result(counters, 4, setup())), []);
  const loop: ClosedLoopPlan = { inFlight: 16, responseTimeoutMs: 1000, closeOnTimeout: false };
  assert.deepEqual(closedLoopLine(result(counters, 4, setup({ closedLoop: loop }))), [
    "Closed loop: 1000 answers (250.0 requests/s), 2 timeouts, --in-flight 16",
  ]);
});

Deno.test("the rate search line names the best rate and whether the search finished", () => {
  const probes = [probe(100, 0.2, true), probe(400, 30, false)];
  const best = probes[0];
  const verdict = {
    kind: "found" as const,
    best,
    probes,
    percentile: P95,
    target: "20ms",
    targetMs: 20,
  };
  assert.deepEqual(rateSearchLine(verdict), [
    "Rate search: best --message-rate 100 (0.2 ms⁹⁵ᵖ under 20ms), 2 probes",
  ]);
  assert.deepEqual(rateSearchLine({ ...verdict, kind: "timed-out" }), [
    "Rate search: best --message-rate 100 (0.2 ms⁹⁵ᵖ under 20ms), 2 probes (search unfinished)",
  ]);
  assert.deepEqual(rateSearchLine({ ...verdict, kind: "unmet", best: null }), [
    "Rate search: no --message-rate met 20ms⁹⁵ᵖ, 2 probes",
  ]);
  assert.deepEqual(rateSearchLine(null), []);
});

Deno.test("the stage table: a row per stage, columns aligned", () => {
  const histogram = new LatencyHistogram();
  for (let i = 1; i <= 100; i++) histogram.record(i * 100);
  const counted = newCounters();
  counted[C.openOut] = 20;
  counted[C.messagesWritten] = 1000;
  counted[C.responses] = 990;
  const written = newCounters();
  written[C.messagesWritten] = 1000;
  const stages: StageResult[] = [
    {
      stage: { durationMs: 2000, connections: 20, messageRate: 50, label: "2s:c=20,r=50" },
      durationSeconds: 2,
      counters: counted,
      latency: histogram,
    },
    {
      stage: { durationMs: 500, connections: 0, messageRate: 50, label: "0.5s:c=0" },
      durationSeconds: 0.5,
      counters: written,
      latency: null,
    },
  ];
  assert.deepEqual(stageTable(stages, setup({ answersCounted: true }), [P95]), [
    "Stage           Duration  Connections  Sent msg/s  Received msg/s  Latency ms (95%)",
    "1 2s:c=20,r=50  2 s       20           500.0       495.0           9.5",
    "2 0.5s:c=0      0.5 s     0            2000.0      0.0             -",
  ]);
  // Without markers nothing counts received messages.
  assert.equal(stageTable(stages, setup(), [P95])[2].split(/ {2,}/)[4], "-");
  assert.deepEqual(stageTable(null, setup(), [P95]), []);
});
