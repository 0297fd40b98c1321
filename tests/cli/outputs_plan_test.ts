/**
 * The outputs' options refused in tcpkali's words: StatsD, --message-stop
 * and --source-ip.
 */
import assert from "node:assert/strict";
import { parseRefusal, planned, planRefusal } from "../_helpers/cli.ts";

Deno.test("StatsD option errors", async () => {
  let error = parseRefusal("--statsd-port", "0", "127.0.0.1:1");
  assert.deepEqual([error.exitCode, error.lines], [64, ["--statsd-port=0 is not in [1..65535]"]]);
  error = parseRefusal("--statsd-latency-window", "0", "127.0.0.1:1");
  assert.deepEqual([error.exitCode, error.lines], [64, [
    "Expected positive --statsd-latency-window=0",
  ]]);
  // Against -T, before anything is printed, with or without --statsd.
  const refused = await planRefusal("-T", "5", "--statsd-latency-window", "6s", "127.0.0.1:1");
  assert.deepEqual([refused.error.exitCode, refused.error.lines, refused.said], [
    64,
    ["--statsd-latency-window=6s exceeds --duration=5s."],
    [],
  ]);
  const small = await planRefusal("--statsd-latency-window", "0.25", "127.0.0.1:1");
  assert.deepEqual(small.error.lines, ["--statsd-latency-window=0.25s is too small. Try 0.5s."]);
  const { said } = await planned("-T", "5", "--statsd-latency-window", "3s", "127.0.0.1:1");
  assert.equal(
    said[0],
    "WARNING: --statsd-latency-window=3s might result in too few latency reports.",
  );
});

Deno.test("--message-stop option errors", () => {
  let error = parseRefusal("--message-stop", "", "127.0.0.1:1");
  assert.deepEqual([error.exitCode, error.lines], [64, [
    "--message-stop: Non-empty message expected",
  ]]);
  error = parseRefusal("--message-stop", "\\{connection.uid}", "127.0.0.1:1");
  assert.deepEqual([error.exitCode, error.lines], [64, [
    "--message-stop: Non-trivial expressions are not supported",
  ]]);
});

Deno.test("--source-ip errors: not local, unresolvable", async () => {
  let { error, said } = await planRefusal("--source-ip", "10.99.99.99", "127.0.0.1:1");
  assert.equal(error.exitCode, 64);
  assert.deepEqual(error.lines, [
    "[10.99.99.99]:0 is not local: Cannot assign requested address",
    "--source-ip=10.99.99.99: local IP address expected",
  ]);
  assert.deepEqual(said, ["Destination: [127.0.0.1]:1"]);
  ({ error } = await planRefusal("--source-ip", "nonexist.invalid", "127.0.0.1:1"));
  assert.equal(error.exitCode, 64);
  assert.deepEqual(error.lines, [
    "getaddrinfo: Name or service not known",
    "--source-ip=nonexist.invalid: local IP address expected",
  ]);
});
