import assert from "node:assert/strict";
import { alarmBuffer, startAlarmThread } from "../../src/engine/alarm_clock.ts";
import { Scheduler, TURN_BUDGET_MS } from "../../src/engine/scheduler.ts";

Deno.test("wakes items in due order, each once", async () => {
  const scheduler = new Scheduler();
  const woken: string[] = [];
  const item = (name: string) => ({ wake: () => woken.push(name) });
  const now = performance.now();
  scheduler.schedule(item("c"), now + 30);
  scheduler.schedule(item("a"), now + 5);
  scheduler.schedule(item("b"), now + 15);
  scheduler.schedule(item("a2"), now + 5);
  assert.equal(scheduler.size, 4);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual(woken.slice(0, 2).sort(), ["a", "a2"]);
  assert.deepEqual(woken.slice(2), ["b", "c"]);
  assert.equal(scheduler.size, 0);
});

Deno.test("many items share the timer and none is lost", async () => {
  const scheduler = new Scheduler();
  let count = 0;
  const now = performance.now();
  for (let i = 0; i < 5000; i++) scheduler.schedule({ wake: () => count++ }, now + (i % 40));
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(count, 5000);
});

Deno.test("clear cancels pending wake-ups", async () => {
  const scheduler = new Scheduler();
  let count = 0;
  scheduler.schedule({ wake: () => count++ }, performance.now() + 5);
  scheduler.clear();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(count, 0);
});

Deno.test("with the precise alarm, items are woken in order, never told a time before their due", async () => {
  const buffer = alarmBuffer(1);
  const helper = startAlarmThread(buffer);
  const scheduler = new Scheduler({ alarm: { buffer, slot: 0 } });
  scheduler.start();
  try {
    const woken: { due: number; told: number; at: number }[] = [];
    const start = performance.now() + 20;
    for (let i = 0; i < 40; i++) {
      const due = start + (i % 20) * 1.5;
      scheduler.schedule({ wake: (told) => woken.push({ due, told, at: performance.now() }) }, due);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(woken.length, 40);
    for (let i = 1; i < woken.length; i++) assert.ok(woken[i].due >= woken[i - 1].due, "in order");
    for (const w of woken) {
      assert.ok(w.told >= w.due, "told at least its due time");
      // Woken early only within the coalescing window (plus the alarm's lead).
      assert.ok(w.at >= w.due - 1, `woken ${w.due - w.at} ms early`);
    }
  } finally {
    scheduler.close();
    helper.close();
  }
});

Deno.test("a wake-up sets the alarm once, however many items it reschedules", async () => {
  const buffer = alarmBuffer(1);
  const helper = startAlarmThread(buffer);
  const scheduler = new Scheduler({ alarm: { buffer, slot: 0 } });
  scheduler.start();
  // Slot 0's request counter: the engine side bumps it each time it sets the alarm.
  const requests = () => Atomics.load(new Int32Array(buffer), 4);
  try {
    // Until the helper runs, a setTimeout stands in and rings too: wait for it (cell 2: running).
    for (let i = 0; i < 200 && Atomics.load(new Int32Array(buffer), 2) !== 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const due = performance.now() + 10;
    let woken = 0;
    for (let i = 0; i < 10; i++) {
      // Each rescheduled time is earlier than the last: a per-item setting would reset the alarm each time.
      const item = {
        wake: () => void (woken++ < 10 && scheduler.schedule(item, due + 200 - 5 * i)),
      };
      scheduler.schedule(item, due);
    }
    const before = requests();
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(woken, 10);
    assert.equal(scheduler.size, 10);
    assert.equal(requests() - before, 1);
  } finally {
    scheduler.close();
    helper.close();
  }
});

Deno.test("passes: chains go on within the turn budget, then wait for the loop to idle", async () => {
  const scheduler = new Scheduler();
  scheduler.start();
  let resumed = 0;
  let resumedAt = 0;
  const item = {
    wake: () => {
      resumed++;
      resumedAt = performance.now();
    },
  };
  try {
    // Nothing has marked an idle moment yet: a chain yields at once.
    assert.equal(scheduler.passes(item, performance.now()), false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(resumed, 1, "woken after the event loop turned");
    // From that wake-up on, chains may go on for the budget, not beyond.
    assert.equal(scheduler.passes(item, resumedAt + 1), true);
    assert.equal(scheduler.passes(item, resumedAt + TURN_BUDGET_MS.timer + 1), false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(resumed, 2);
  } finally {
    scheduler.close();
  }
});
