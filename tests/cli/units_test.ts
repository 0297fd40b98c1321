import assert from "node:assert/strict";
import { atoi, parseUnitValue, splitNumber } from "../../src/cli/units.ts";

function value(text: string, kind: Parameters<typeof parseUnitValue>[1]): number {
  const parsed = parseUnitValue(text, kind);
  if (!parsed.ok) throw new Error(`${text} did not parse: ${parsed.reason}`);
  return parsed.value;
}

Deno.test("count and rate suffixes are k and m, fractions allowed", () => {
  assert.equal(value("10k", "count"), 10000);
  assert.equal(value("1.5m", "count"), 1500000);
  assert.equal(value("0.25", "count"), 0.25);
});

Deno.test("size suffixes are binary", () => {
  assert.equal(value("5k", "size"), 5120);
  assert.equal(value("2m", "size"), 2 * 1024 * 1024);
});

Deno.test("time suffixes give seconds; m is minutes for time", () => {
  assert.equal(value("1500ms", "time"), 1.5);
  assert.equal(value("0.025m", "time"), 1.5);
  assert.equal(value("1.5", "time"), 1.5);
  assert.equal(value("2h", "time"), 7200);
  assert.equal(value("1d", "time"), 86400);
  assert.equal(value("1y", "time"), 31536000);
  assert.equal(value("3seconds", "time"), 3);
});

Deno.test("bandwidth suffixes distinguish bits and bytes", () => {
  assert.equal(value("10kbps", "bandwidth"), 1250);
  assert.equal(value("8bps", "bandwidth"), 1);
  assert.equal(value("1Mbps", "bandwidth"), 125000);
  assert.equal(value("1MBps", "bandwidth"), 1e6);
  assert.equal(value("3kBps", "bandwidth"), 3000);
});

Deno.test("suffixes are case-sensitive and must match exactly", () => {
  assert.deepEqual(parseUnitValue("5x", "count"), {
    ok: false,
    reason: "unknown-suffix",
    suffix: "x",
  });
  assert.deepEqual(parseUnitValue("1.5sec", "time"), {
    ok: false,
    reason: "unknown-suffix",
    suffix: "sec",
  });
  assert.deepEqual(parseUnitValue("5K", "count"), {
    ok: false,
    reason: "unknown-suffix",
    suffix: "K",
  });
});

Deno.test("strtod forms: blanks, sign, exponent, hex", () => {
  assert.equal(value(" +1e3", "count"), 1000);
  assert.equal(value("0x10", "count"), 16);
  assert.equal(value("-1", "time"), -1);
  assert.deepEqual(splitNumber("12.5ms"), { number: 12.5, rest: "ms" });
});

Deno.test("no digits and infinities are invalid", () => {
  assert.deepEqual(parseUnitValue("abc", "count"), { ok: false, reason: "no-number" });
  assert.deepEqual(parseUnitValue("inf", "time"), { ok: false, reason: "infinite" });
  assert.deepEqual(parseUnitValue("nan", "time"), { ok: false, reason: "no-number" });
});

Deno.test("atoi stops at the first non-digit", () => {
  assert.equal(atoi("1x"), 1);
  assert.equal(atoi("abc"), 0);
  assert.equal(atoi(" -3"), -3);
});
