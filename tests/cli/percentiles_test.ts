import assert from "node:assert/strict";
import { DEFAULT_PERCENTILES, parsePercentiles } from "../../src/cli/percentiles.ts";
import { UsageError } from "../../src/errors.ts";

const labels = (text: string) => parsePercentiles(text).map((p) => p.label);
const values = (text: string) => parsePercentiles(text).map((p) => p.value);

/** Asserts tcpkali's exact one-line message and exit 64. */
function rejects(text: string, message: string) {
  assert.throws(() => parsePercentiles(text), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.deepEqual(error.lines, [message]);
    assert.equal(error.exitCode, 64);
    return true;
  }, text);
}

Deno.test("the error rows of the option table", () => {
  rejects("abc", "--latency-percentiles: abc: Failed to parse: bad number");
  rejects(
    "101",
    "--latency-percentiles: 101: Failed to parse: bad latency percentile specification, expected range is [0..100]",
  );
  rejects(
    "-1",
    "--latency-percentiles: -1: Failed to parse: bad latency percentile specification, expected range is [0..100]",
  );
  rejects(
    "50:90",
    "--latency-percentiles: 50:90: Failed to parse: invalid separator, use ',' or '/'",
  );
  rejects("50.", "--latency-percentiles: 50.: Fractional part is missing");
  rejects("1e2", "--latency-percentiles: 1e2: Number should contain only digits");
  rejects("0x10", "--latency-percentiles: 0x10: Number should contain only digits");
  rejects(
    "99.12345",
    "--latency-percentiles: 99.12345: Unreasonably precise percentile specification",
  );
});

Deno.test("the whole argument is quoted when a later value is bad", () => {
  rejects("50,abc", "--latency-percentiles: 50,abc: Failed to parse: bad number");
  rejects("50,,90", "--latency-percentiles: 50,,90: Failed to parse: bad number");
  rejects("90/50.", "--latency-percentiles: 90/50.: Fractional part is missing");
});

Deno.test("strtod corner cases fail as in C", () => {
  rejects(
    "inf",
    "--latency-percentiles: inf: Failed to parse: bad latency percentile specification, expected range is [0..100]",
  );
  rejects(
    "nan",
    "--latency-percentiles: nan: Failed to parse: bad latency percentile specification, expected range is [0..100]",
  );
  rejects("-0", "--latency-percentiles: -0: Number should contain only digits");
  rejects("\t5", "--latency-percentiles: \t5: Number should contain only digits");
  rejects(",", "--latency-percentiles: ,: Failed to parse: bad number");
  rejects(
    "5 ,6",
    "--latency-percentiles: 5 ,6: Failed to parse: invalid separator, use ',' or '/'",
  );
});

Deno.test("separators, trailing separator, labels as typed", () => {
  assert.deepEqual(labels("50,90,99.9"), ["50", "90", "99.9"]);
  assert.deepEqual(values("50,90,99.9"), [50, 90, 99.9]);
  assert.deepEqual(labels("50/100"), ["50", "100"]);
  assert.deepEqual(labels("50,"), ["50"]);
  assert.deepEqual(labels("50.0/+90/ 99.5"), ["50.0", "90", "99.5"]);
  assert.deepEqual(values("50.0/+90/ 99.5"), [50, 90, 99.5]);
  assert.deepEqual(labels(" +7"), ["7"]);
  assert.deepEqual(labels(".5"), [".5"]);
  assert.deepEqual(values("0,100"), [0, 100]);
  assert.deepEqual(labels(""), []);
});

Deno.test("at most 7 characters per value, counted without the dropped prefix", () => {
  assert.deepEqual(labels("99.1234"), ["99.1234"]);
  assert.deepEqual(labels("+99.1234"), ["99.1234"]);
  rejects(
    "099.1234",
    "--latency-percentiles: 099.1234: Unreasonably precise percentile specification",
  );
});

Deno.test("repeated options append", () => {
  const first = parsePercentiles("50");
  const both = parsePercentiles("100", first);
  assert.deepEqual(both, parsePercentiles("50/100"));
  assert.deepEqual(first.map((p) => p.label), ["50"]); // not mutated
});

Deno.test("default percentiles are 95, 99, 99.5", () => {
  assert.deepEqual(DEFAULT_PERCENTILES, parsePercentiles("95,99,99.5"));
});
