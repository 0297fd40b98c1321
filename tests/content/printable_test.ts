import assert from "node:assert/strict";
import { dumpLine, escapeBytes, quoteBytes } from "../../src/content/printable.ts";
import { unescape } from "../../src/content/unescape.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("escapeBytes: 9.2 table", () => {
  assert.equal(escapeBytes(Uint8Array.of(0x20, 0x21, 0x22, 0x5b, 0x5d, 0x7e)), ' !"[]~');
  assert.equal(escapeBytes(Uint8Array.of(0x5c)), "\\\\");
  assert.equal(escapeBytes(Uint8Array.of(0x0d)), "\\r");
  assert.equal(
    escapeBytes(Uint8Array.of(0x09, 0x00, 0x1f, 0x7f, 0x80, 0xff)),
    "\\x09\\x00\\x1f\\x7f\\x80\\xff",
  );
  assert.equal(escapeBytes(bytes("a\nb")), "a\\n\n\tb");
  assert.equal(escapeBytes(bytes("a\n")), "a\\n", "a final LF gets no line break");
  assert.equal(escapeBytes(new Uint8Array(0)), "");
});

Deno.test("dumpLine: acceptance row 26 (-e and without)", () => {
  assert.equal(dumpLine("Snd", 15, unescape(bytes("a\\nb"))), "Snd(15, 3): [a\\n\n\tb]");
  assert.equal(dumpLine("Snd", 15, bytes("a\\nb")), "Snd(15, 4): [a\\\\nb]");
});

Deno.test("dumpLine: acceptance row 27 (unescape table)", () => {
  const input = bytes("[\\0101|\\012|\\123|\\x4|\\xZZ|\\x414|\\f\\b\\a\\e|\\07|\\0|\\08]\\");
  assert.equal(
    dumpLine("Snd", 20, unescape(input)),
    "Snd(20, 32): [[A|\\n\n\t|123|\\x04|\\\\xZZ|A4|\\x0c\\x08ae|\\x07|\\x00|\\x008]\\\\]",
  );
});

Deno.test("dumpLine: acceptance row 50 and the 9.2 sample", () => {
  assert.equal(
    dumpLine("Snd", 7, unescape(bytes('A\\r\\nB"\\x00\\xff'))),
    'Snd(7, 7): [A\\r\\n\n\tB"\\x00\\xff]',
  );
  assert.equal(
    dumpLine("Snd", 20, unescape(bytes('A\\r\\nB\\\\C"D\\x00\\x7f\\xff\\tE\\n'))),
    'Snd(20, 15): [A\\r\\n\n\tB\\\\\\\\C"D\\x00\\x7f\\xfftE\\n]',
  );
  assert.equal(dumpLine("Rcv", 3, bytes("hi")), "Rcv(3, 2): [hi]");
});

Deno.test("quoteBytes: quoted form used in messages", () => {
  assert.equal(quoteBytes("\\{foo}"), '"\\\\{foo}"');
  assert.equal(quoteBytes('say "x"'), '"say \\"x\\""');
  assert.equal(quoteBytes(unescape(bytes("X: y\\nZ: w"))), '"X: y\\n\n\tZ: w"');
});
