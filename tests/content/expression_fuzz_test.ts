/**
 * Fuzzing the expression language (`-m`, `-f`, `-1`): seeded mutations of
 * valid expressions never escape as anything but a content error, every
 * error line is one short line, and parse time is linear in input size.
 */
import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { parseContent } from "../../src/content/expression.ts";
import { Random } from "../../src/content/random.ts";
import { ContentFileError, ContentSyntaxError } from "../../src/content/syntax_error.ts";
import { compileContent } from "../../src/content/template.ts";
import { assertLinear, assertOneLine, mutate, Rng, utf8 } from "../_helpers/fuzz.ts";

const SEEDS = [
  "PFX-\\{connection.uid%10}|",
  '\\{raw "\\x41\\"b"}\\{ws.close "\\x03\\xe8"}',
  "\\{ connection . uid % 10 % 4 }\\{message.marker % 5}\\{connection.ptr%2}",
  '\\{raw {connection.uid}}|\\{raw {raw "x"}}|\\{raw <f>}',
  "\\{re [a-z]{3}}\\{re (ab|cdef|g)+x?}\\{re [-a-c0-9]*}",
  "\\{global.re x{2,5}}\\{connection.re [0-9]+}",
  '\\{ws.text "a" ...}\\{ws.cont "b"}\\{ws.continuation}\\{ws.text rsv1 rsv3}',
  '\\{ws.binary <"file name">}\\{<f>}\\{ws.ping "p"}\\{ws.pong}',
  "\\\\{foo}\\{foo}\\{}\\{re a||b}\\{re ()}",
  "a\\nb\\x41\\0101\\{message.marker}",
].map(utf8);

const DICTIONARY = [
  "\\{",
  "}",
  "{",
  "(",
  ")",
  "[",
  "]",
  '"',
  "<",
  ">",
  "\\",
  "raw ",
  "re ",
  "global.re ",
  "connection.",
  "uid",
  "ptr",
  "message.marker",
  "ws.text ",
  "...",
  "rsv1",
  " % ",
  "{2,3}",
  "*",
  "+",
  "?",
  "|",
  "\\x",
  "\n",
].map(utf8);

const FILE = utf8("FILE");
const readFile = () => FILE;

/** Parses as the command line would; returns the error lines, or null when it parsed. */
function errorLines(bytes: Uint8Array, unescape: boolean): string[] | null {
  try {
    parseContent(bytes, { unescape, random: new Random(3), readFile });
    return null;
  } catch (error) {
    if (error instanceof ContentSyntaxError) return error.lines;
    if (error instanceof ContentFileError) return [error.message];
    throw error; // anything else is a bug: RangeError, TypeError, …
  }
}

Deno.test("mutated expressions fail only with content errors, each one short line", () => {
  const rng = new Rng(0x6b616c69);
  let failed = 0;
  for (let round = 0; round < 6000; round++) {
    let input = rng.pick(SEEDS);
    for (let depth = rng.below(3); depth >= 0; depth--) input = mutate(rng, input, DICTIONARY);
    const unescape = rng.below(2) === 0;
    const context = `round ${round}: ${JSON.stringify(new TextDecoder().decode(input))}`;
    let lines: string[] | null;
    try {
      lines = errorLines(input, unescape);
    } catch (error) {
      assert.fail(`${context}: ${error}`);
    }
    if (lines === null) continue;
    failed++;
    assert.ok(lines.length >= 1 && lines.length <= 2, context);
    for (const line of lines) assertOneLine(line, context);
    if (input.includes(0x3c)) continue; // `<file>` would read the disk
    // The command line's own error adds tcpkali's "Failed to parse" line.
    try {
      compileContent([{ kind: "message", bytes: input, unescape, origin: "-m" }], { seed: 1 });
      assert.fail(`${context}: compiled after a parse error`);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      for (const line of error.lines) assertOneLine(line, context);
    }
  }
  assert.ok(failed > 1000, `${failed} of the cases were errors`); // the fuzzer reaches errors
});

/** Inputs of about `size` bytes that repeat one construct. */
const FAMILIES: [string, (size: number) => Uint8Array, boolean?][] = [
  ["literal text", (n) => utf8("abcdefgh".repeat(n / 8))],
  ["raw strings (merged parts)", (n) => utf8('\\{raw "ab"}'.repeat(n / 11))],
  ["global.re results (merged parts)", (n) => utf8("x\\{global.re [ab]}".repeat(n / 18))],
  ["regex parts", (n) => utf8("\\{re [a-z]{2}}".repeat(n / 14))],
  ["doubled backslashes", (n) => utf8("\\\\".repeat(n / 2))],
  ["-e escapes", (n) => utf8("\\x41\\n".repeat(n / 6)), true],
  ["one long regex literal", (n) => utf8(`\\{re ${"a".repeat(n)}}`)],
  ["one long regex class", (n) => utf8(`\\{re [${"a-c".repeat(n / 3)}]}`)],
  ["a frame of many strings", (n) => utf8(`\\{ws.text ${'"xy" '.repeat(n / 5)}}`)],
  ["a string of many escapes", (n) => utf8(`\\{raw "${"\\x41".repeat(n / 4)}"}`)],
  ["a long modulo chain", (n) => utf8(`\\{connection.uid${" % 7".repeat(n / 4)}}`)],
  ["an error after a long argument", (n) => utf8(`${"x\n".repeat(n / 2)}\\{bogus}`)],
  ["an unterminated long string", (n) => utf8(`\\{raw "${"q".repeat(n)}`)],
];

Deno.test("parse time is linear in input size", () => {
  for (const [name, make, unescape] of FAMILIES) {
    assertLinear(name, make, (input) => {
      try {
        compileContent([{
          kind: "message",
          bytes: input,
          unescape: unescape ?? false,
          origin: "-m",
        }], {
          seed: 1,
        });
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
      }
    }, { size: 8 * 1024 });
  }
});
