import assert from "node:assert/strict";
import { unescape } from "../../src/content/unescape.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const un = (s: string) => [...unescape(bytes(s))];
const codes = (s: string) => [...bytes(s)];

Deno.test("unescape: acceptance row 27, exact bytes", () => {
  const out = un("[\\0101|\\012|\\123|\\x4|\\xZZ|\\x414|\\f\\b\\a\\e|\\07|\\0|\\08]\\");
  assert.deepEqual(out, [
    ...codes("[A|"),
    0x0a,
    ...codes("|123|"),
    0x04,
    ...codes("|\\xZZ|A4|"),
    0x0c,
    0x08,
    ...codes("ae|"),
    0x07,
    ...codes("|"),
    0x00,
    ...codes("|"),
    0x00,
    ...codes("8]\\"),
  ]);
  assert.equal(out.length, 32);
});

Deno.test("unescape: 4.2 table rows", () => {
  assert.deepEqual(un("\\n\\r\\f\\b"), [0x0a, 0x0d, 0x0c, 0x08]);
  assert.deepEqual(un("\\x4"), [0x04]);
  assert.deepEqual(un("\\x414"), codes("A4"));
  assert.deepEqual(un("\\xZZ"), codes("\\xZZ"));
  assert.deepEqual(un("\\0101"), codes("A"));
  assert.deepEqual(un("\\012"), [0x0a]);
  assert.deepEqual(un("\\08"), [0x00, ...codes("8")]);
  assert.deepEqual(un("\\\\"), codes("\\\\"), "as in tcpkali, \\\\ stays two backslashes");
  assert.deepEqual(un('\\t\\a\\e\\1\\"'), codes('tae1"'));
  assert.deepEqual(un("\\123"), codes("123"));
  assert.deepEqual(un("end\\"), codes("end\\"));
});
