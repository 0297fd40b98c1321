import assert from "node:assert/strict";
import type { Connection } from "../../src/engine/connection.ts";
import { EchoBudget, EchoBuffer, EchoGate } from "../../src/engine/echo.ts";

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

Deno.test("appended bytes come back in order; take swaps the two buffers", () => {
  const echo = new EchoBuffer();
  echo.append(bytes(3, 1), 0, 3);
  echo.append(Uint8Array.of(9, 2, 2, 9), 1, 3);
  assert.equal(echo.size, 5);
  const first = echo.take();
  assert.deepEqual([...first], [1, 1, 1, 2, 2]);
  assert.equal(echo.size, 0);
  // The next bytes fill the other buffer: the view being written stays intact.
  echo.append(bytes(2, 7), 0, 2);
  assert.deepEqual([...first], [1, 1, 1, 2, 2]);
  assert.deepEqual([...echo.take()], [7, 7]);
});

Deno.test("full leaves room for one more whole read; reserve and commit write in place", () => {
  const echo = new EchoBuffer();
  echo.append(bytes(65536, 0), 0, 65536);
  assert.equal(echo.full, false);
  const out = echo.reserve(2);
  out[echo.size] = 0x81;
  out[echo.size + 1] = 0x00;
  echo.commit(2);
  assert.equal(echo.full, true);
  assert.deepEqual([...echo.take().subarray(65536)], [0x81, 0x00]);
});

Deno.test("a read larger than the room left grows the buffer instead of losing bytes", () => {
  const echo = new EchoBuffer();
  echo.append(bytes(120000, 3), 0, 120000);
  echo.append(bytes(20000, 4), 0, 20000);
  const all = echo.take();
  assert.equal(all.length, 140000);
  assert.equal(all[119999], 3);
  assert.equal(all[120000], 4);
});

/** A connection that records what the echo asks of it; writes finish when `finish` is called. */
function fakeConnection() {
  const log: string[] = [];
  let finish: (ok: boolean) => void = () => {};
  let readBuffer: Uint8Array = new Uint8Array(16384);
  const connection = {
    get readBuffer() {
      return readBuffer;
    },
    readInto: (buffer: Uint8Array) => {
      readBuffer = buffer;
      log.push(`read into ${buffer.length}`);
    },
    pauseReading: () => log.push("pause"),
    resumeReading: () => log.push("resume"),
    wake: () => gate.pump(connection as unknown as Connection),
    writeOutOfBand: (bytes: Uint8Array) => {
      log.push(`write ${bytes.length}`);
      return new Promise<boolean>((resolve) => finish = resolve);
    },
  };
  const gate = new EchoGate(new EchoBudget(1048576));
  return { gate, connection, log, finishWrite: () => finish(true) };
}

Deno.test("the echo writes each read back while the next read fills a second buffer", async () => {
  const { gate, connection, log, finishWrite } = fakeConnection();
  const c = connection as unknown as Connection;
  const first = connection.readBuffer;
  gate.received(c, first, 100, 0);
  assert.deepEqual(log, ["read into 16384", "write 100"]);
  const second = connection.readBuffer;
  assert.notEqual(second, first);
  // A read that completes while the first write is out waits, reads paused.
  gate.received(c, second, 16384, 0);
  assert.deepEqual(log.slice(2), ["pause"]);
  finishWrite();
  await Promise.resolve();
  // Then it is written, and reads go on into a buffer twice as large: they filled the last one.
  assert.deepEqual(log.slice(3), ["read into 32768", "resume", "write 16384"]);
});

Deno.test("without budget the echo buffers do not grow: reads fill the ones it has", async () => {
  const log: string[] = [];
  let finish: (ok: boolean) => void = () => {};
  const gate = new EchoGate(new EchoBudget(0));
  const connection = {
    readInto: (b: Uint8Array) => log.push(`read into ${b.length}`),
    pauseReading: () => log.push("pause"),
    resumeReading: () => log.push("resume"),
    wake: () => gate.pump(connection as unknown as Connection),
    writeOutOfBand: (bytes: Uint8Array) => {
      log.push(`write ${bytes.length}`);
      return new Promise<boolean>((resolve) => finish = resolve);
    },
  };
  const c = connection as unknown as Connection;
  // A full 16 KiB read wants a 32 KiB buffer the budget cannot pay: a 16 KiB one costs nothing.
  gate.received(c, new Uint8Array(16384), 16384, 0);
  assert.deepEqual(log, ["read into 16384", "write 16384"]);
  const big = new Uint8Array(65536);
  gate.received(c, big, 65536, 0);
  finish(true);
  await Promise.resolve();
  assert.deepEqual(log.slice(2), ["pause", "read into 16384", "resume", "write 65536"]);
});
