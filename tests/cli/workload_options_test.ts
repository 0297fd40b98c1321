import assert from "node:assert/strict";
import {
  defaultWorkloadOptions,
  inFlightOption,
  responseTimeoutOption,
  stageOption,
  type WorkloadContext,
  workloadPlan,
} from "../../src/cli/workload_options.ts";

const context: WorkloadContext = {
  hasTarget: true,
  hasMessages: true,
  connections: 1,
  messageRate: null,
  upstreamBytes: false,
  rateSearch: false,
  latencyMarker: true,
};

function stages(...texts: string[]) {
  const o = defaultWorkloadOptions();
  for (const text of texts) stageOption(o, text);
  return o;
}

Deno.test("--stage reads a duration with units, then c= and r= with k/m suffixes", () => {
  const o = stages("30s:c=1k", "1m:c=1000,r=50", "1.5m:r=0.5k", "10s:c=0", "5s:");
  assert.deepEqual(o.stages.map((s) => [s.durationSeconds, s.connections, s.messageRate]), [
    [30, 1000, null],
    [60, 1000, 50],
    [90, null, 500],
    [10, 0, null],
    [5, null, null],
  ]);
});

Deno.test("stages resolve to absolute targets; unnamed values are held", () => {
  const plan = workloadPlan(stages("1s:c=10", "2s:r=50", "1s:c=0"), context);
  assert.deepEqual(plan.stages?.map((s) => [s.durationMs, s.connections, s.messageRate]), [
    [1000, 10, 50],
    [2000, 10, 50],
    [1000, 0, 50],
  ]);
  // Without -r the run starts at the first rate a stage names.
  assert.equal(plan.messageRate, 50);
  assert.equal(workloadPlan(stages("1s:r=5"), { ...context, messageRate: 7 }).messageRate, 7);
  assert.equal(workloadPlan(stages("1s:c=3"), context).messageRate, null);
});

Deno.test("bad --stage values and combinations are usage errors", () => {
  const refused = (f: () => unknown, message: RegExp) =>
    assert.throws(f, (e: Error & { exitCode?: number }) => message.test(e.message));
  refused(() => stages("30s"), /expected DURATION:TARGETS/);
  refused(() => stages("0s:c=1"), /the duration must be positive/);
  refused(() => stages("1s:c=-1"), /"-1" is not a number/);
  refused(() => stages("1q:c=1"), /"1q" is not a duration/);
  refused(() => stages("1s:x=1"), /"x=1" is not c=<N> or r=<Rate>/);
  const withT = stages("1s:c=1");
  withT.durationGiven = true;
  refused(() => workloadPlan(withT, context), /exclude each other/);
  refused(() => workloadPlan(stages("1s:c=1"), { ...context, rateSearch: true }), /exclude/);
  refused(() => workloadPlan(stages("1s:c=1"), { ...context, hasTarget: false }), /host:port/);
  refused(() => workloadPlan(stages("1s:r=1"), { ...context, hasMessages: false }), /--message/);
  refused(() => workloadPlan(stages("1s:r=1"), { ...context, upstreamBytes: true }), /upstream/);
});

Deno.test("--closed-loop: defaults, its options, and what it needs", () => {
  const o = defaultWorkloadOptions();
  assert.equal(workloadPlan(o, context).closedLoop, null);
  inFlightOption(o, "16");
  assert.deepEqual(workloadPlan(o, context).warnings, [
    "WARNING: --in-flight makes no effect without --closed-loop",
  ]);
  o.closedLoop = true;
  responseTimeoutOption(o, "250ms");
  assert.deepEqual(workloadPlan(o, context).closedLoop, {
    inFlight: 16,
    responseTimeoutMs: 250,
    closeOnTimeout: false,
  });
  assert.throws(
    () => workloadPlan(o, { ...context, latencyMarker: false }),
    /--closed-loop requires --latency-marker/,
  );
  assert.throws(() => inFlightOption(o, "0"), /--in-flight/);
  assert.throws(() => inFlightOption(o, "1.5"), /--in-flight/);
  assert.throws(() => responseTimeoutOption(o, "0"), /--response-timeout/);
  const plain = defaultWorkloadOptions();
  plain.closedLoop = true;
  assert.deepEqual(workloadPlan(plain, context).closedLoop, {
    inFlight: 1,
    responseTimeoutMs: 1000,
    closeOnTimeout: false,
  });
});
