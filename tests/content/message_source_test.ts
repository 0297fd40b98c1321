import assert from "node:assert/strict";
import { formatMarker, MARKER_BYTES } from "../../src/content/marker.ts";
import { compileMessage, latin1, sourceFor } from "../_helpers/content.ts";

/** A small deterministic generator (the test must be reproducible). */
function lcg(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
}

Deno.test("bulk stamping writes exactly the marker digits of every marker starting in the range", () => {
  const next = lcg(3);
  // Message sizes 30..37 put the 16 digits at every alignment to 4-byte words.
  for (let padding = 0; padding < 8; padding++) {
    const text = "p".repeat(padding);
    const source = sourceFor(compileMessage(`${text}\\{message.marker}`), 1, "client", {
      minBlockBytes: 4000,
    });
    const size = padding + MARKER_BYTES;
    assert.equal(source.messageSize, size);
    const block = source.block;
    const messages = block.length / size;
    // What each message should read: its marker holds the last stamp whose range held its start.
    const expected: string[] = Array(messages).fill(`${text}${formatMarker(0)}`);
    let time = 1795427294904442;
    for (let write = 0; write < 40; write++) {
      const from = next(block.length);
      const to = from + 1 + next(block.length - from);
      time += 1 + next(100000);
      source.stamp!(block, from, to, time);
      for (let m = Math.max(0, Math.ceil((from - padding) / size)); m * size + padding < to; m++) {
        expected[m] = `${text}${formatMarker(time)}`;
      }
      for (let m = 0; m < messages; m++) {
        const message = latin1(block.subarray(m * size, (m + 1) * size));
        assert.equal(message, expected[m], `size ${size}, write ${write} [${from}, ${to}), #${m}`);
      }
    }
  }
});

Deno.test("bulk stamping between varying content changes the marker digits and nothing else", () => {
  const source = sourceFor(compileMessage("\\{re [a-c]{1,3}}\\{message.marker}"), 1, "client", {
    minBlockBytes: 500,
  });
  const before = latin1(source.block);
  source.stamp!(source.block, 0, source.block.length, 0x0123456789abcd);
  const after = latin1(source.block);
  assert.equal(after, before.replaceAll(formatMarker(0), formatMarker(0x0123456789abcd)));
  assert.ok(after.split(formatMarker(0x0123456789abcd)).length > 10);
});
