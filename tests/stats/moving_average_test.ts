import assert from "node:assert/strict";
import { MovingAverage } from "../../src/stats/moving_average.ts";

const W = 1 / 24; // weight of a closed 1/8 s bin in a 3 s window

function near(actual: number, expected: number, label = "") {
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${label} ${actual} != ${expected}`,
  );
}

Deno.test("reads 0 until the first 1/8 s bin closes", () => {
  const average = new MovingAverage(0);
  average.add(100, 500);
  assert.equal(average.perSecond(100), 0);
  assert.equal(average.perSecond(120), 0);
});

Deno.test("a steady 0.25 s tick of 1000 events reads 4000/s", () => {
  const average = new MovingAverage(0);
  for (let t = 250; t <= 5000; t += 250) {
    average.add(t, 1000);
    near(average.perSecond(t), 4000, `t=${t}`);
  }
});

Deno.test("the first closed bin initialises, later bins fold in with weight 1/24", () => {
  const average = new MovingAverage(0);
  average.add(250, 1000); // bins [0,.125) and [.125,.25): 500 each -> 4000/s
  average.add(500, 2000); // two bins of 1000 -> 8000/s each
  let expected = 4000;
  expected = 8000 * W + expected * (1 - W);
  expected = 8000 * W + expected * (1 - W);
  near(average.perSecond(500), expected);
});

Deno.test("a delta spanning a bin edge is split in proportion to time", () => {
  const average = new MovingAverage(0);
  average.add(100, 100); // 100 events in [0, 0.1]
  // 100 events over (0.1, 0.2]: 25 before the 0.125 edge, 75 after.
  average.add(200, 100);
  near(average.perSecond(200), (100 + 25) / 0.125);
  // The 75 stay pending: the next edge at 0.25 closes a bin of 75 + share.
  average.add(300, 300); // 0.2..0.3: half (150) before 0.25
  const expected = ((75 + 150) / 0.125) * W + 1000 * (1 - W);
  near(average.perSecond(300), expected);
});

Deno.test("reading decays by 23/24 per 1/8 s since the last update, 0 after 3 s", () => {
  const average = new MovingAverage(0);
  average.add(250, 1000);
  average.add(500, 1000); // last update at 0.5 s (a bin edge)
  near(average.perSecond(1000), 4000 * (1 - W) ** 4);
  near(average.perSecond(500 + 3000), 4000 * (1 - W) ** 24);
  assert.equal(average.perSecond(500 + 3001), 0);
});

Deno.test("zero-event ticks do not refresh the average", () => {
  const average = new MovingAverage(0);
  average.add(250, 1000);
  for (let t = 500; t <= 4000; t += 250) average.add(t, 0);
  assert.equal(average.perSecond(3251), 0);
});

Deno.test("after more than 3 s without a closed bin it restarts from the latest delta", () => {
  const average = new MovingAverage(0);
  average.add(250, 1000);
  average.add(10_000, 300);
  near(average.perSecond(10_000), 300 / 0.125);
  // The restart opens a bin ending 1/8 s later.
  average.add(10_100, 50);
  near(average.perSecond(10_100), 2400);
});

Deno.test("a custom window changes the weight", () => {
  const average = new MovingAverage(0, { binSeconds: 0.5, windowSeconds: 1 });
  average.add(500, 10); // one bin: 20/s
  average.add(1000, 20); // one bin: 40/s, weight 1/2
  near(average.perSecond(1000), 30);
  assert.throws(() => new MovingAverage(0, { binSeconds: 2, windowSeconds: 1 }), RangeError);
});
