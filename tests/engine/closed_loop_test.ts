import assert from "node:assert/strict";
import { ResponseWindow } from "../../src/engine/closed_loop.ts";
import type { Connection } from "../../src/engine/connection.ts";
import { SendTimeFifo } from "../../src/engine/latency_fifo.ts";
import { Scheduler } from "../../src/engine/scheduler.ts";
import { C, newCounters } from "../../src/stats/counters.ts";

/** A connection that notes its wakes and closes. */
function fakeConnection() {
  const seen = { wakes: 0, closed: "" };
  const connection = {
    open: true,
    wake: () => seen.wakes++,
    close: (reason: string) => {
      seen.closed = reason;
      connection.open = false;
    },
  };
  return { connection: connection as unknown as Connection, seen };
}

function window(options: { inFlight: number; timeoutMs?: number; close?: boolean }) {
  const fifo = new SendTimeFifo();
  const messages = { size: 6, into: 0 };
  const counters = newCounters();
  const scheduler = new Scheduler();
  const w = new ResponseWindow(fifo, messages, {
    inFlight: options.inFlight,
    responseTimeoutMs: options.timeoutMs ?? 1000,
    closeOnTimeout: options.close ?? false,
    scheduler,
    counters,
  });
  return { w, fifo, messages, counters, scheduler };
}

Deno.test("the window allows whole messages for the free slots, and the rest of one begun", () => {
  const { w, fifo, messages } = window({ inFlight: 3 });
  assert.equal(w.bytesAllowed(), 18);
  fifo.push(0, 0);
  fifo.push(0, 0);
  assert.equal(w.bytesAllowed(), 6);
  // Two bytes of the third message are out: it holds the last slot; four bytes finish it.
  fifo.push(0, 0);
  messages.into = 2;
  assert.equal(w.bytesAllowed(), 4);
  messages.into = 0;
  assert.equal(w.bytesAllowed(), 0);
  fifo.shift();
  assert.equal(w.bytesAllowed(), 6);
});

Deno.test("an overdue answer is a timeout: its slot frees, its answer will be skipped", async () => {
  const { w, fifo, counters } = window({ inFlight: 1, timeoutMs: 20 });
  const { connection, seen } = fakeConnection();
  fifo.push(performance.now(), 0);
  w.sent(connection);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(fifo.length, 0);
  assert.equal(counters[C.responseTimeouts], 1);
  assert.equal(w.late, 1);
  assert.equal(seen.wakes, 1, "woken to send again");
  assert.equal(seen.closed, "");
});

Deno.test("--response-timeout-close closes the connection on a timeout", async () => {
  const { w, fifo, counters } = window({ inFlight: 2, timeoutMs: 20, close: true });
  const { connection, seen } = fakeConnection();
  fifo.push(performance.now(), 0);
  fifo.push(performance.now() + 30, 0);
  w.sent(connection);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(seen.closed, "timeout");
  assert.equal(counters[C.responseTimeouts], 1, "checks stop with the connection");
});

Deno.test("answers in time leave no timeout behind", async () => {
  const { w, fifo, counters, scheduler } = window({ inFlight: 1, timeoutMs: 30 });
  const { connection, seen } = fakeConnection();
  fifo.push(performance.now(), 0);
  w.sent(connection);
  fifo.shift();
  w.answered(connection, performance.now());
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(counters[C.responseTimeouts], 0);
  assert.equal(seen.wakes, 1);
  assert.equal(scheduler.size, 0);
});
