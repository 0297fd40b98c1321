import assert from "node:assert/strict";
import { MAX_LAG_MS, Pacer } from "../../src/engine/pacer.ts";

Deno.test("allowance accrues from t0 at the rate", () => {
  const pacer = new Pacer(10, 1000);
  assert.equal(pacer.allowance(1000), 0);
  assert.equal(pacer.allowance(1099), 0);
  assert.equal(pacer.allowance(1100), 1);
  assert.equal(pacer.allowance(2000), 10);
});

Deno.test("consuming advances t0 so totals stay exact under jitter", () => {
  const pacer = new Pacer(50, 0);
  let moved = 0;
  // Wake at irregular times over 10 s; move whatever is owed each time.
  for (let now = 0; now <= 10000; now += 7 + (now % 13)) {
    const owed = pacer.allowance(now);
    if (owed > 0) {
      pacer.consume(owed, now);
      moved += owed;
    }
  }
  const last = pacer.allowance(10000);
  assert.equal(moved + last, 500);
});

Deno.test("backlog is bounded to two seconds", () => {
  const pacer = new Pacer(100, 0);
  pacer.consume(1, 10000);
  assert.equal(pacer.allowance(10000), (MAX_LAG_MS / 1000) * 100);
});

Deno.test("slow rates may lag 2/rate seconds", () => {
  const pacer = new Pacer(0.5, 0);
  pacer.consume(1, 100000);
  assert.equal(pacer.allowance(100000), 2);
});

Deno.test("delayUntil says when units become due", () => {
  const pacer = new Pacer(4, 0);
  assert.equal(pacer.delayUntil(1, 0), 250);
  assert.equal(pacer.delayUntil(1, 300), 0);
  pacer.restart(500);
  assert.equal(pacer.delayUntil(2, 500), 500);
});

Deno.test("keepAtMost drops unused allowance beyond a bound, and keeps what is below", () => {
  const pacer = new Pacer(1000, 0);
  pacer.keepAtMost(5, 100); // 100 owed, 5 kept
  assert.equal(pacer.allowance(100), 5);
  assert.equal(pacer.allowance(103), 8);
  pacer.keepAtMost(20, 103); // 8 owed is under the bound
  assert.equal(pacer.allowance(103), 8);
});
