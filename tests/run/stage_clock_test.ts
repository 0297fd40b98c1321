import assert from "node:assert/strict";
import type { RunPlan, Stage } from "../../src/plan.ts";
import { PAUSED_RATE, StageClock } from "../../src/run/stage_clock.ts";

/** A plan with only what the clock reads. */
function plan(connections: number, messageRate: number | null, stages: Stage[]): RunPlan {
  return { connections, messageRate, stages } as RunPlan;
}

function stage(seconds: number, connections: number, messageRate: number | null): Stage {
  return { durationMs: seconds * 1000, connections, messageRate, label: "" };
}

Deno.test("each stage moves linearly from the previous one's values to its own", () => {
  const clock = new StageClock(plan(0, 10, [stage(10, 100, 10), stage(10, 100, 50)]));
  assert.equal(clock.totalMs, 20000);
  assert.deepEqual(clock.at(0), { index: 0, connections: 0, messageRate: 10 });
  assert.deepEqual(clock.at(2500), { index: 0, connections: 25, messageRate: 10 });
  assert.deepEqual(clock.at(10000), { index: 1, connections: 100, messageRate: 10 });
  assert.deepEqual(clock.at(15000), { index: 1, connections: 100, messageRate: 30 });
  // Past the end: the last stage's values, held.
  assert.deepEqual(clock.at(25000), { index: 1, connections: 100, messageRate: 50 });
});

Deno.test("the first stage starts from -c and -r; an unpaced run stays unpaced", () => {
  const paced = new StageClock(plan(4, 100, [stage(1, 0, 20)]));
  assert.deepEqual(paced.at(500), { index: 0, connections: 2, messageRate: 60 });
  const unpaced = new StageClock(plan(1, null, [stage(2, 9, null)]));
  assert.deepEqual(unpaced.at(1000), { index: 0, connections: 5, messageRate: null });
});

Deno.test("a rate ramping to zero pauses at a tiny positive rate", () => {
  const clock = new StageClock(plan(1, 10, [stage(1, 1, 0)]));
  assert.equal(clock.at(1000).messageRate, PAUSED_RATE);
  assert.ok(PAUSED_RATE > 0 && PAUSED_RATE < 0.01);
});
