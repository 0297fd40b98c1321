import assert from "node:assert/strict";
import { SendTimeFifo } from "../../src/engine/latency_fifo.ts";

Deno.test("the send-time FIFO pops in push order with each entry's intended time", () => {
  const fifo = new SendTimeFifo(4);
  for (let i = 0; i < 3; i++) fifo.push(i, i - 0.5);
  assert.equal(fifo.shift(), 0);
  assert.equal(fifo.lastIntended, -0.5);
  fifo.push(3, 2.5);
  assert.equal(fifo.length, 3);
  assert.deepEqual([fifo.shift(), fifo.shift(), fifo.shift()], [1, 2, 3]);
  assert.equal(fifo.lastIntended, 2.5);
  assert.ok(Number.isNaN(fifo.shift()));
});

Deno.test("the FIFO grows past its initial capacity while wrapped around", () => {
  const fifo = new SendTimeFifo(2);
  let next = 0;
  let expected = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 7; i++) fifo.push(next, next++ + 0.25);
    for (let i = 0; i < 5; i++) {
      assert.equal(fifo.shift(), expected);
      assert.equal(fifo.lastIntended, expected++ + 0.25);
    }
  }
  assert.equal(fifo.length, next - expected);
  fifo.clear();
  assert.equal(fifo.length, 0);
});
