import assert from "node:assert/strict";
import { alarmBuffer, startAlarm, startAlarmThread } from "../../src/engine/alarm_clock.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` holds, up to `ms`. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!done() && performance.now() < end) await sleep(2);
}

Deno.test("the helper rings each slot at its own deadline, once per setting", async () => {
  const buffer = alarmBuffer(2);
  const helper = startAlarmThread(buffer);
  const rings: [number, number][] = [];
  const a = startAlarm(() => rings.push([0, performance.now()]), { buffer, slot: 0 });
  const b = startAlarm(() => rings.push([1, performance.now()]), { buffer, slot: 1 });
  try {
    await until(() => a.precise && b.precise, 5000);
    assert.ok(a.precise && b.precise, "the helper thread runs");
    const start = performance.now();
    a.set(start + 30);
    b.set(start + 10);
    await until(() => rings.length >= 2, 2000);
    await sleep(50);
    assert.deepEqual(rings.map(([slot]) => slot), [1, 0], "earliest deadline first, each once");
    assert.ok(rings[0][1] >= start + 10 - 1, "slot 1 not before its deadline");
    assert.ok(rings[1][1] >= start + 30 - 1, "slot 0 not before its deadline");
  } finally {
    a.close();
    b.close();
    helper.close();
  }
});

Deno.test("a new setting replaces the old one; cancel unsets", async () => {
  const buffer = alarmBuffer(1);
  const helper = startAlarmThread(buffer);
  let rings = 0;
  const alarm = startAlarm(() => rings++, { buffer, slot: 0 });
  try {
    await until(() => alarm.precise, 5000);
    alarm.set(performance.now() + 20);
    alarm.set(performance.now() + 60);
    await sleep(40);
    assert.equal(rings, 0, "moved to the later time");
    await until(() => rings > 0, 2000);
    assert.equal(rings, 1);
    alarm.set(performance.now() + 20);
    alarm.cancel();
    await sleep(60);
    assert.equal(rings, 1, "cancelled");
  } finally {
    alarm.close();
    helper.close();
  }
});

Deno.test("without a helper, setTimeout rings the alarm", async () => {
  let rings = 0;
  const alarm = startAlarm(() => rings++);
  try {
    assert.equal(alarm.precise, false);
    alarm.set(performance.now() + 5);
    await until(() => rings > 0, 2000);
    assert.equal(rings, 1);
  } finally {
    alarm.close();
  }
});

Deno.test("until the helper runs, a timer keeps time", async () => {
  const buffer = alarmBuffer(1); // no helper thread is started for it
  let rings = 0;
  const alarm = startAlarm(() => rings++, { buffer, slot: 0 });
  try {
    assert.equal(alarm.precise, false);
    alarm.set(performance.now() + 5);
    await until(() => rings > 0, 2000);
    assert.equal(rings, 1);
  } finally {
    alarm.close();
  }
});
