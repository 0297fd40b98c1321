import assert from "node:assert/strict";
import { exactBytes } from "../../src/cli/raw_args.ts";
import { UsageError } from "../../src/errors.ts";

const bytes = (...b: number[]) => new Uint8Array(b);
const decoded = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("exactBytes: valid UTF-8 is encoded as it is", () => {
  assert.deepEqual(exactBytes("hé", "-m", [], null), bytes(0x68, 0xc3, 0xa9));
});

Deno.test("exactBytes: invalid bytes are recovered from the kernel's copy of the arguments", () => {
  const value = bytes(0x61, 0xff, 0x62); // "a\xffb"
  const args = ["-m", decoded(value), `-m${decoded(value)}`, `--message=${decoded(value)}`];
  const raw = [bytes(0x64), bytes(0x2d, 0x6d), value, bytes(0x2d, 0x6d, ...value)];
  raw.push(bytes(...new TextEncoder().encode("--message="), ...value));
  // The program name precedes Deno's arguments.
  assert.deepEqual(exactBytes(decoded(value), "-m", args.slice(0, 2), raw.slice(0, 3)), value);
  assert.deepEqual(exactBytes(args[2].slice(2), "-m", [args[2]], [raw[0], raw[3]]), value);
  assert.deepEqual(exactBytes(decoded(value), "--message", [args[3]], [raw[0], raw[4]]), value);
});

Deno.test("exactBytes: refuses what it cannot read exactly, pointing to -e and -f", () => {
  const value = decoded(bytes(0x61, 0xff));
  for (const raw of [null, [bytes(0x64), new TextEncoder().encode(value)]]) {
    assert.throws(() => exactBytes(value, "-m", [value], raw), (error: UsageError) => {
      assert.equal(error.exitCode, 64);
      assert.equal(error.lines.length, 1);
      assert.match(error.message, /^-m: .*not UTF-8.*\\xHH escapes with -e.* -f$/);
      return true;
    });
  }
});
