import assert from "node:assert/strict";
import { Scheduler } from "../../src/engine/scheduler.ts";

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
