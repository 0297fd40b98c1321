import assert from "node:assert/strict";
import { buildPlan } from "../../src/cli/build_plan.ts";
import { parseArgs } from "../../src/cli/options.ts";
import { parseShard, parseStartAt, shardLoad, shardStages } from "../../src/cli/scale_options.ts";
import { UsageError } from "../../src/errors.ts";
import type { RunPlan } from "../../src/plan.ts";

function refused(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    if (error instanceof UsageError) return error.lines.join("\n");
    throw error;
  }
  throw new Error("accepted");
}

async function plan(...argv: string[]): Promise<RunPlan> {
  const outcome = parseArgs(argv);
  if (outcome.kind !== "run") throw new Error("not a run");
  return await buildPlan(outcome.options, { say: () => {} });
}

Deno.test("--shard I/N: I from 0, below N", () => {
  assert.deepEqual(parseShard("0/3"), { index: 0, count: 3 });
  assert.deepEqual(parseShard("2/3"), { index: 2, count: 3 });
  assert.deepEqual(parseShard(" 0 / 1 "), { index: 0, count: 1 });
  assert.match(
    refused(() => parseShard("3/3")),
    /^--shard=3\/3: the index must be below .*\(0\.\.2\)$/,
  );
  assert.match(refused(() => parseShard("0/0")), /shard count must be in \[1\.\.100000\]/);
  for (const bad of ["1", "a/3", "-1/3", "1/3/4", "1.5/3", "", "$(JOB_COMPLETION_INDEX)/3"]) {
    assert.match(refused(() => parseShard(bad)), /expected I\/N/, bad);
  }
});

Deno.test("--start-at: RFC 3339 with offsets and fractions, or epoch milliseconds", () => {
  assert.equal(parseStartAt("2025-01-31T12:00:00Z"), Date.UTC(2025, 0, 31, 12));
  assert.equal(parseStartAt("2025-01-31t12:00:00z"), Date.UTC(2025, 0, 31, 12));
  assert.equal(parseStartAt("2025-01-31T13:30:00.250+01:30"), Date.UTC(2025, 0, 31, 12, 0, 0, 250));
  assert.equal(parseStartAt("2025-01-31T10:00:00-02:00"), Date.UTC(2025, 0, 31, 12));
  assert.equal(parseStartAt("2024-02-29 00:00:00.5Z"), Date.UTC(2024, 1, 29, 0, 0, 0, 500));
  assert.equal(parseStartAt("1738324800000"), Date.UTC(2025, 0, 31, 12));
  const hint = /RFC 3339 time \(2025-01-31T12:00:00Z\) or Unix epoch milliseconds/;
  for (
    const bad of [
      "2025-01-31T12:00:00", // no offset: whose local time?
      "2025-02-29T00:00:00Z", // not a leap year
      "2025-13-01T00:00:00Z",
      "2025-01-31T24:00:00Z",
      "2025-01-31",
      "tomorrow",
      "60s",
    ]
  ) assert.match(refused(() => parseStartAt(bad)), hint, bad);
  assert.match(refused(() => parseStartAt("1738324800")), /this looks like seconds/);
});

Deno.test("shardLoad: the whole unsharded, the share with --shard", () => {
  const load = { connections: 10, connectRate: 100 };
  assert.equal(shardLoad(load, null), load);
  const shares = [0, 1, 2].map((index) => shardLoad(load, { index, count: 3 }));
  assert.deepEqual(shares.map((s) => s.connections), [4, 3, 3]);
  assert.deepEqual(shares.map((s) => s.connectRate), [40, 30, 30]);
});

Deno.test("the plan of a shard holds its share; per-connection figures stay whole", async () => {
  const argv = ["-c", "10", "--connect-rate", "1000", "-r", "5", "-m", "x", "127.0.0.1:9"];
  const whole = await plan(...argv);
  assert.equal(whole.shard, null);
  const parts = await Promise.all(
    [0, 1, 2].map((i) => plan(...argv, "--shard", `${i}/3`, "--start-at", "1738324800000")),
  );
  assert.deepEqual(parts.map((p) => p.connections), [4, 3, 3]);
  assert.deepEqual(parts.map((p) => p.connectRate), [400, 300, 300]);
  for (const [i, p] of parts.entries()) {
    assert.deepEqual(p.shard, { index: i, count: 3 });
    assert.equal(p.startAtMs, 1738324800000);
    assert.equal(p.messageRate, whole.messageRate);
    assert.equal(p.upstreamBandwidth, whole.upstreamBandwidth);
  }
});

Deno.test("a shard refuses or warns about the whole test's ramp, as every shard does", async () => {
  const argv = ["-c", "3000", "--connect-rate", "100", "-T", "10", "127.0.0.1:9"];
  const error = await plan(...argv, "--shard", "2/3").then(() => null, (e) => e);
  assert.ok(error instanceof UsageError);
  assert.equal(
    error.lines[0],
    "3000 connections can not be opened at a rate 100 within test duration 10.",
  );
});

Deno.test("-l is not sharded: every shard listens on the same address", async () => {
  const p = await plan("-l", "127.0.0.1:12345", "--shard", "1/2");
  assert.equal(p.listen.length, 1);
  assert.equal(p.connections, 0);
});

Deno.test("stage targets are scaled as the load: each stage's connections shared out", () => {
  const stages = [
    { durationMs: 1000, connections: 100, messageRate: 10, label: "1s:c=100" },
    { durationMs: 2000, connections: 7, messageRate: 50, label: "2s:c=7" },
  ];
  assert.equal(shardStages(stages, null), stages);
  assert.equal(shardStages(null, { index: 0, count: 3 }), null);
  const parts = [0, 1, 2].map((index) => shardStages(stages, { index, count: 3 })!);
  assert.deepEqual(parts.map((p) => p.map((s) => s.connections)), [[34, 3], [33, 2], [33, 2]]);
  for (const part of parts) {
    assert.deepEqual(part.map((s) => [s.durationMs, s.messageRate, s.label]), [
      [1000, 10, "1s:c=100"],
      [2000, 50, "2s:c=7"],
    ]);
  }
});
