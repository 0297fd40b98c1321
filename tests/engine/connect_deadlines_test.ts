import assert from "node:assert/strict";
import { ConnectDeadlines } from "../../src/engine/connect_deadlines.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the ms from `start` until `signal` aborts. */
function abortedAfter(signal: AbortSignal, start: number): Promise<number> {
  return new Promise((resolve) => {
    signal.addEventListener("abort", () => resolve(performance.now() - start), { once: true });
  });
}

Deno.test("connects started in one window share a signal; a later one gets a new window", () => {
  const deadlines = new ConnectDeadlines(1000); // 10 ms windows
  const now = performance.now();
  const first = deadlines.signalFor(now);
  assert.equal(deadlines.signalFor(now + 9), first);
  const later = deadlines.signalFor(now + 10);
  assert.notEqual(later, first);
  assert.equal(deadlines.pending, 2);
  deadlines.abortAll();
  assert.ok(first.aborted && later.aborted);
  assert.equal(deadlines.pending, 0);
});

Deno.test("a signal aborts no earlier than the timeout after its connect started", async () => {
  const timeout = 60;
  const deadlines = new ConnectDeadlines(timeout); // 0.6 ms windows
  const start = performance.now();
  const first = abortedAfter(deadlines.signalFor(start), start);
  await sleep(20);
  const secondStart = performance.now();
  const second = abortedAfter(deadlines.signalFor(secondStart), secondStart);
  const [a, b] = await Promise.all([first, second]);
  assert.ok(a >= timeout, `first aborted after ${a} ms`);
  assert.ok(b >= timeout, `second aborted after ${b} ms`);
  // Timers may run late on a busy host; a whole extra timeout would be a bug.
  assert.ok(a < 2 * timeout && b < 2 * timeout, `aborted after ${a} and ${b} ms`);
  assert.equal(deadlines.pending, 0);
});

Deno.test("the last connect of a window still gets its full timeout", async () => {
  const timeout = 40;
  const deadlines = new ConnectDeadlines(timeout);
  const start = performance.now();
  const signal = deadlines.signalFor(start);
  // Joins the same window as late as it may (the window is 0.4 ms wide).
  const lateStart = start + 0.39;
  assert.equal(deadlines.signalFor(lateStart), signal);
  const after = await abortedAfter(signal, lateStart);
  assert.ok(after >= timeout, `aborted ${after} ms after the late connect`);
});

Deno.test("abortAll aborts pending windows and cancels the timer", async () => {
  const deadlines = new ConnectDeadlines(30);
  const signal = deadlines.signalFor(performance.now());
  deadlines.abortAll();
  assert.ok(signal.aborted);
  await sleep(50); // the test sanitizer fails on a leaked timer
  const fresh = deadlines.signalFor(performance.now());
  assert.ok(!fresh.aborted);
  deadlines.abortAll();
});
