import assert from "node:assert/strict";
import { buildPlan } from "../../src/cli/build_plan.ts";
import { parseArgs } from "../../src/cli/options.ts";
import { slicePlan } from "../../src/run/slice_plan.ts";

/** Whether the slices of the run `argv` describes get a slot of the precise alarm. */
async function precise(...argv: string[]): Promise<boolean> {
  const outcome = parseArgs([...argv, "127.0.0.1:9"]);
  if (outcome.kind !== "run") throw new Error("not a run");
  const plan = await buildPlan(outcome.options, { say: () => {} });
  const slices = slicePlan(plan, "");
  assert.ok(slices.length > 0);
  const alarms = slices.map((slice) => slice.alarm !== null);
  assert.ok(alarms.every((alarm) => alarm === alarms[0]), "every engine or none");
  return alarms[0];
}

Deno.test("an unpaced run starts no alarm helper", async () => {
  assert.equal(await precise("-c", "2", "-m", "x"), false);
  assert.equal(await precise("-c", "2"), false);
});

Deno.test("a few slow paced connections are paced by timers: no alarm helper", async () => {
  assert.equal(await precise("-c", "1", "-m", "x", "-r", "10"), false);
  assert.equal(await precise("-c", "1", "-m", "x", "-r", "50"), false);
  assert.equal(await precise("-c", "5", "-m", "x", "-r", "10"), false);
  assert.equal(await precise("-c", "1", "-m", "x", "-r", "10", "--stage", "5s:r=40"), false);
});

Deno.test("the 1 ms cadence keeps the helper: fast rates, many connections, long messages, bandwidth", async () => {
  assert.equal(await precise("-c", "1", "-m", "x", "-r", "51"), true);
  assert.equal(await precise("-c", "6", "-m", "x", "-r", "10"), true);
  assert.equal(await precise("-c", "4000", "--connect-rate", "20k", "-m", "x", "-r", "10"), true);
  assert.equal(await precise("-c", "1", "-m", "x", "-r", "10", "--stage", "5s:c=6"), true);
  assert.equal(await precise("-c", "1", "-m", "x", "-r", "10", "--stage", "5s:r=2k"), true);
  // 14,600 bytes go out as ten 1460-byte writes: 100 writes a second at -r10.
  assert.equal(await precise("-c", "1", "-m", "x".repeat(14600), "-r", "10"), true);
  assert.equal(await precise("-c", "1", "-m", "x".repeat(1460), "-r", "10"), false);
  assert.equal(await precise("-c", "1", "-m", "x", "--channel-bandwidth-upstream", "1kbps"), true);
  assert.equal(await precise("-l", "9", "--listen-mode=active", "-m", "x", "-r", "1"), true);
});

Deno.test("measured latency and the rate search keep the helper at any rate", async () => {
  assert.equal(await precise("-c", "1", "-m", "x", "-r", "10", "--latency-marker", "x"), true);
  assert.equal(await precise("-c", "1", "-m", "x", "-r", "10", "--latency-connect"), true);
  assert.equal(
    await precise("-c", "1", "-m", "x", "-r", "@5ms", "--latency-marker", "x"),
    true,
  );
});
