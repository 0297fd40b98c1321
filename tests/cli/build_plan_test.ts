import assert from "node:assert/strict";
import { defaultWorkers } from "../../src/cli/build_plan.ts";
import { planned as plan, planRefusal } from "../_helpers/cli.ts";

const refusal = async (...argv: string[]) => (await planRefusal(...argv)).error;

Deno.test("destinations resolve to every address and print tcpkali's lines", async () => {
  const { plan: p, said } = await plan("127.0.0.1:8001", "127.1:8002");
  assert.deepEqual(p.destinations.map((d) => `${d.address}:${d.port}`), [
    "127.0.0.1:8001",
    "127.0.0.1:8002",
  ]);
  assert.deepEqual(said, ["Destination: [127.0.0.1]:8001", "Destination: [127.0.0.1]:8002"]);
});

Deno.test("a destination port outside 1..65535 is refused, not wrapped (exit 68)", async () => {
  for (const port of ["0", "65536", "99999"]) {
    const error = await refusal(`127.0.0.1:${port}`);
    assert.deepEqual([error.lines, error.exitCode], [
      [`kali: Resolving 127.0.0.1:${port}: port is not in [1..65535]`],
      68,
    ]);
  }
  const { plan: p } = await plan("127.0.0.1:65535");
  assert.equal(p.destinations[0].port, 65535);
});

Deno.test("bad destinations: no port (64), unresolvable (68)", async () => {
  const noPort = await refusal("127.0.0.1");
  assert.deepEqual([noPort.lines, noPort.exitCode], [
    ["Expected :port specification. See --help."],
    64,
  ]);
  const unknown = await refusal("nonexistent.invalid:80");
  assert.deepEqual(unknown.lines, [
    "kali: Resolving nonexistent.invalid:80: Name or service not known",
  ]);
  assert.equal(unknown.exitCode, 68);
  const badService = await refusal("127.0.0.1:abc");
  assert.equal(badService.exitCode, 68);
});

Deno.test("no target is a usage error with the short help", async () => {
  const error = await refusal("-c", "5");
  assert.deepEqual(error.lines, [
    "Expecting target <host:port> or --listen-port. See -h or --help.",
  ]);
  assert.match(error.stdout, /Where some OPTIONS are:/);
});

Deno.test("listen without a host prints both families", async () => {
  const { plan: p, said } = await plan("-l", "9100");
  assert.deepEqual(said, ["Listen on: [0.0.0.0]:9100", "Listen on: [::]:9100"]);
  assert.equal(p.connections, 0);
  const local = await plan("-l", "127.0.0.1:9101");
  assert.deepEqual(local.said, ["Listen on: [127.0.0.1]:9101"]);
});

Deno.test("-r needs a message, and a message of non-zero length", async () => {
  assert.deepEqual((await refusal("-r", "10", "127.0.0.1:1")).lines, [
    "--message-rate parameter makes no sense without --message or --message-file",
  ]);
  assert.deepEqual((await refusal("-r", "10", "-m", "", "127.0.0.1:1")).lines, [
    "--message may resolve to zero length, double-check regular expression",
  ]);
});

Deno.test("connections that cannot open within -T are refused, slow ones warned", async () => {
  const error = await refusal("-T2", "-c30", "--connect-rate", "10", "127.0.0.1:1");
  assert.deepEqual(error.lines, [
    "30 connections can not be opened at a rate 10 within test duration 2.",
    "Decrease --connections=30, or increase --duration=2 or --connect-rate=10.",
  ]);
  const { said } = await plan("-T10", "-c30", "--connect-rate", "10", "127.0.0.1:1");
  assert.ok(
    said.includes(
      "WARNING: 30 connections might not be opened at a rate 10 within test duration 10.",
    ),
  );
});

Deno.test("units become milliseconds and per-second rates in the plan", async () => {
  const { plan: p } = await plan(
    "-T",
    "1500ms",
    "--connect-timeout",
    "0.3",
    "--delay-send",
    "2",
    "-r",
    "4",
    "-m",
    "hello",
    "127.0.0.1:1",
  );
  assert.equal(p.durationMs, 1500);
  assert.equal(p.connectTimeoutMs, 300);
  assert.equal(p.delaySendMs, 2000);
  assert.equal(p.messageRate, 4);
  assert.equal(p.upstreamBandwidth, 20);
});

Deno.test("--write-combine off presumes --nagle off", async () => {
  const { plan: p, said } = await plan("--write-combine", "off", "127.0.0.1:1");
  assert.equal(p.noDelay, true);
  assert.ok(said.includes("NOTE: --write-combine=off presumes --nagle=off."));
});

Deno.test("--rcvbuf and --sndbuf say they have no effect", async () => {
  const { said } = await plan("--rcvbuf", "8k", "--sndbuf", "8k", "127.0.0.1:1");
  assert.ok(said.includes("WARNING: --rcvbuf option makes no effect."));
  assert.ok(said.includes("WARNING: --sndbuf option makes no effect."));
});

Deno.test("default workers follow tcpkali", () => {
  assert.equal(defaultWorkers(1, false, 2), 1);
  assert.equal(defaultWorkers(5, false, 2), 2);
  assert.equal(defaultWorkers(1, true, 2), 2);
  assert.equal(defaultWorkers(0, false, 2), 2);
});

Deno.test("-H without --ws is fatal, after the option warnings are printed", async () => {
  const { error, said } = await planRefusal("-H", "", "-H", "X: y", "-T1", "127.0.0.1:9");
  assert.deepEqual([error.exitCode, error.lines], [64, [
    "--header option ignored without --websocket",
  ]]);
  assert.deepEqual(said, ['WARNING: --header="" value is empty, ignored']);
});

Deno.test("the -H warnings come first in the startup lines", async () => {
  const { said } = await plan("--ws", "-H", "", "-H", " X: y", "-l", "1");
  assert.deepEqual(said, [
    'WARNING: --header="" value is empty, ignored',
    "WARNING: --header=\" X: y\" starts with ' ', are you sure?",
    "Listen on: [0.0.0.0]:1",
    "Listen on: [::]:1",
  ]);
});

Deno.test("-c 0 without -l is refused (nothing to do); with -l it listens", async () => {
  const error = await refusal("-c", "0", "127.0.0.1:8001");
  assert.deepEqual([error.lines, error.exitCode], [
    ["--connections=0 with no --listen-port: nothing to do. Give -c 1 or more, or -l."],
    64,
  ]);
  const { plan: p } = await plan("-c", "0", "-l", "127.0.0.1:8001", "127.0.0.1:8001");
  assert.equal(p.connections, 0);
});

Deno.test("a shard of a staged run opens its share of the stages' connections", async () => {
  // -c is 1 (the default): shard 1/2's share of it is none, but of the stage's 4 it is 2.
  const stage = ["--stage", "1s:c=4", "-m", "x", "--connect-rate", "100", "127.0.0.1:1"];
  const shards = await Promise.all(
    ["0/2", "1/2"].map(async (shard) => (await plan("--shard", shard, ...stage)).plan),
  );
  assert.deepEqual(shards.map((p) => p.stages![0].connections), [2, 2]);
  assert.deepEqual(shards.map((p) => p.connectRate), [50, 50]);
  // Unstaged, the rate follows the share of -c as before.
  const plain = await plan("--shard", "1/4", "-c", "8", "--connect-rate", "100", "127.0.0.1:1");
  assert.equal(plain.plan.connectRate, 25);
});
