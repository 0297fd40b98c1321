/**
 * The result document, its schema and its page move together: a document
 * with every part filled validates against docs/kali-result.schema.json,
 * which closes every object, and docs/json-schema.md names every field.
 */
import assert from "node:assert/strict";
import { parseThreshold } from "../../src/cli/thresholds.ts";
import { buildPlan } from "../../src/cli/build_plan.ts";
import { parseArgs } from "../../src/cli/options.ts";
import type { Stage } from "../../src/plan.ts";
import { buildResult } from "../../src/report/json_result.ts";
import { runSetup } from "../../src/stats/run_setup.ts";
import { LatencyHistogram } from "../../src/stats/histogram.ts";
import { mergeResults } from "../../src/stats/merge.ts";
import { readResult } from "../../src/stats/result_file.ts";
import { pointLatency } from "../../src/stats/series.ts";
import { evaluateThresholds } from "../../src/stats/thresholds.ts";
import { type Schema, validate } from "../_helpers/json_schema.ts";
import { countersOf, fakePoint, fakeResult } from "../_helpers/results.ts";
import { loadHistogramLibrary } from "../../src/stats/hdr_library.ts";

await loadHistogramLibrary();

const schema: Schema = JSON.parse(
  Deno.readTextFileSync(new URL("../../docs/kali-result.schema.json", import.meta.url)),
);
const page = Deno.readTextFileSync(new URL("../../docs/json-schema.md", import.meta.url));

/** The setup of a real plan, with a latency option of every kind. */
async function realSetup() {
  const parsed = parseArgs([
    "-m",
    "x",
    "-r",
    "10",
    "--latency-connect",
    "--latency-first-byte",
    "--latency-marker",
    "x",
    "--statsd",
    "--json",
    "r.json",
    "--hdr-log",
    "r.hlog",
    "--threshold",
    "message.p99 < 5ms",
    "--closed-loop",
    "--stage",
    "1s:c=2",
    "--stage",
    "1s:r=20",
    "127.0.0.1:9",
  ]);
  if (parsed.kind !== "run") throw new Error("not a run");
  return runSetup(await buildPlan(parsed.options, { say: () => {} }), "a-host");
}

async function fullDocument() {
  const h = () => {
    const histogram = new LatencyHistogram();
    for (let i = 1; i < 100; i++) histogram.record(i * 37);
    return histogram;
  };
  const histograms = { connect: h(), firstbyte: h(), message: h(), corrected: h() };
  const result = fakeResult({
    counters: countersOf({ bytesSent: 10, openOut: 1 }),
    histograms,
    series: [fakePoint(Date.parse("2030-01-01T00:00:00Z"), 1, {
      latency: pointLatency(histograms, [{ label: "95", value: 95 }]),
    })],
  });
  result.setup = { ...await realSetup(), shard: { index: 1, count: 2 } };
  const planned = result.setup.options.stages as Stage[];
  result.stages = planned.map((stage, i) => ({
    stage,
    durationSeconds: 1.01,
    counters: countersOf({ messagesWritten: 10 * (i + 1), responses: 9, openOut: 2 }),
    // The second stage measured nothing: its latency is null.
    latency: i === 0 ? h() : null,
  }));
  const probe = {
    rate: 10,
    latencyMs: NaN,
    samples: 0,
    seconds: 1,
    sentRate: 9.5,
    met: false,
    note: "no answers",
  };
  result.rateSearch = {
    kind: "unmet",
    best: null,
    probes: [probe],
    percentile: { label: "95", value: 95 },
    target: "20ms",
    targetMs: 20,
  };
  const thresholds = evaluateThresholds(result, [parseThreshold("message.p99 < 5ms")]);
  const document = buildResult({ result, reason: [], reportLines: ["a line"], thresholds });
  const merged = mergeResults([readResult(JSON.parse(JSON.stringify(document)), "a")]).result;
  return {
    document,
    merged: buildResult({ result: merged, reason: [], reportLines: [], thresholds }),
  };
}

/** Every property name the schema declares, at any depth. */
function schemaFields(node: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => schemaFields(item, names));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "properties") Object.keys(value as object).forEach((name) => names.add(name));
      schemaFields(value, names);
    }
  }
  return names;
}

Deno.test("a document with every part filled validates against the closed schema", async () => {
  const { document, merged } = await fullDocument();
  assert.deepEqual(validate(JSON.parse(JSON.stringify(document)), schema), []);
  assert.deepEqual(validate(JSON.parse(JSON.stringify(merged)), schema), []);
  assert.equal(Object.keys(document.report.latency).length, 4, "corrected latency included");
  // The workload fields are filled: stages, closed loop, a search (the merge: in its part).
  assert.equal(document.stages!.length, 2);
  assert.equal(typeof document.stages![0].latency!.histogram, "string", "a stage's histogram");
  assert.equal(document.stages![1].counters!.messagesWritten, 20);
  assert.equal(document.closedLoop!.responses, 0);
  assert.equal(document.rateSearch!.target, "20ms");
  assert.equal(merged.parts[0].rateSearch?.outcome, "unmet", "the part keeps its search");
  const extra = { ...JSON.parse(JSON.stringify(document)), surprise: 1 };
  assert.deepEqual(validate(extra, schema), ["$: unexpected surprise"]);
});

Deno.test("docs/json-schema.md names every field of the schema", () => {
  // The words of the page's code spans: `report.latency.<kind>`, `{address, port}`…
  const named = new Set(
    [...page.matchAll(/`([^`]+)`/g)].flatMap((m) => m[1].split(/[^A-Za-z0-9]+/)),
  );
  assert.deepEqual([...schemaFields(schema)].filter((name) => !named.has(name)), []);
});
