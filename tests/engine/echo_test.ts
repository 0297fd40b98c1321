import assert from "node:assert/strict";
import { EchoBuffer } from "../../src/engine/echo.ts";

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
