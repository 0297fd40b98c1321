/**
 * Hostile content arguments end the run before any traffic with a short,
 * pointed error: a deeply nested regex, and a large content file that does
 * not parse.
 */
import assert from "node:assert/strict";
import { runKali } from "../../_helpers/kali.ts";

Deno.test("a regex nested 5000 deep fails with one line at its position", async () => {
  const regex = `\\{re ${"(".repeat(5000)}a${")".repeat(5000)}}`;
  const run = await runKali(["-m", regex, "127.0.0.1:1", "-T", "1"]);
  assert.equal(run.code, 1, run.stderr);
  assert.doesNotMatch(run.stderr, /RangeError|\n\s+at /);
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(
    lines[1],
    'Parse error near token "(" at byte 37: regular expression nested deeper than 32 levels',
  );
  assert.match(
    lines[2],
    /^Failed to parse ""\.\.\.\({64}\.\.\."" \(bytes 5-69 of 10007, error at byte 37\)$/,
  );
  assert.deepEqual(lines.slice(0, 1), ["Destination: [127.0.0.1]:1"]);
  assert.equal(lines.length, 3, run.stderr);
  assert.equal(run.stdout, "");
});

Deno.test("a 4 MiB content file that fails to parse is quoted only around the error", async () => {
  const file = await Deno.makeTempFile();
  try {
    const bytes = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    bytes.set(new TextEncoder().encode("\\{bogus}"), 1_000_000);
    // no other `\{` in the file
    for (let i = 0; i + 1 < bytes.length; i++) {
      if (i !== 1_000_000 && bytes[i] === 0x5c && bytes[i + 1] === 0x7b) bytes[i + 1] = 0;
    }
    await Deno.writeFile(file, bytes);
    const run = await runKali(["-f", file, "127.0.0.1:1", "-T", "1"]);
    assert.equal(run.code, 1, run.stderr.slice(0, 500));
    assert.ok(run.stderr.length < 600, `${run.stderr.length} bytes of stderr`);
    const lines = run.stderr.trimEnd().split("\n");
    assert.equal(lines[1], "Unexpected token in message expression: bogus");
    assert.match(lines.at(-1)!, /\(bytes 999970-1000034 of 4194304, error at byte 1000002\)$/);
  } finally {
    await Deno.remove(file);
  }
});
