import assert from "node:assert/strict";
import { rateProbeLine } from "../../src/report/progress.ts";
import { RateSearch } from "../../src/run/rate_search.ts";

/** Drives a search with a fake clock (0.25 s ticks) against latency = f(rate). */
function drive(targetMs: number, latencyAt: (rate: number) => number, maxSeconds: number) {
  const search = new RateSearch(targetMs, 100, 0);
  const lines: string[] = [];
  for (let now = 250; now <= maxSeconds * 1000; now += 250) {
    const step = search.tick(now, () => latencyAt(search.rate));
    if (step.kind === "attempt") lines.push(rateProbeLine(step));
    if (step.kind === "succeeded" || step.kind === "failed") return { step, lines, now };
  }
  return { step: null, lines, now: maxSeconds * 1000 };
}

Deno.test("the search ramps up by 4x, then bisects to the rate meeting the target", () => {
  // Latency grows linearly with the rate: 10 ms at 1000 msg/s.
  const { step, lines } = drive(10, (rate) => rate / 100, 1000);
  assert.deepEqual(lines.slice(0, 3), [
    "Attempting --message-rate 400 (in range 100..inf)",
    "Attempting --message-rate 1600 (in range 400..inf)",
    "Attempting --message-rate 1000 (in range 400..1600)",
  ]);
  assert.equal(step?.kind, "succeeded");
  assert.equal(step?.kind === "succeeded" && step.rate, 1000);
});

Deno.test("rates change only every 10 s", () => {
  const search = new RateSearch(10, 100, 0);
  for (let now = 250; now < 10000; now += 250) {
    assert.equal(search.tick(now, () => 1).kind, "ongoing");
  }
  assert.equal(search.tick(10000, () => 1).kind, "attempt");
});

Deno.test("a target that can never be met fails after the binary-search budget", () => {
  // Latency is always far above target: binary search from the start, 15 steps.
  const { step, lines, now } = drive(1, () => 50, 10000);
  assert.equal(step?.kind, "failed");
  assert.ok(lines.length >= 14, `${lines.length} attempts`);
  assert.ok(now <= 170_000, `${now} ms`);
});
