/**
 * `--closed-loop`: each connection keeps at most `--in-flight` messages
 * awaiting their `--latency-marker` answer, sends the next when an answer
 * comes, gives up on an answer after `--response-timeout` (or re-opens the
 * connection with `--response-timeout-close`), and reports requests per
 * second and timeouts.
 */
import assert from "node:assert/strict";
import { type Schema, validate } from "../../_helpers/json_schema.ts";
import { DelayServer } from "../../_helpers/delay_server.ts";
import { runKali } from "../../_helpers/kali.ts";

/** `Closed loop: N answers (R requests/s), T timeouts, --in-flight F`. */
function closedLoopLine(stdout: string) {
  const match =
    /^Closed loop: (\d+) answers \(([\d.]+) requests\/s\), (\d+) timeouts, --in-flight (\d+)$/m
      .exec(stdout);
  assert.ok(match, stdout);
  return {
    answers: Number(match[1]),
    perSecond: Number(match[2]),
    timeouts: Number(match[3]),
    inFlight: Number(match[4]),
  };
}

const schema: Schema = JSON.parse(
  Deno.readTextFileSync(new URL("../../../docs/kali-result.schema.json", import.meta.url)),
);

const REQUEST = ["-em", "PING\\n", "--latency-marker", "PONG"];

for (const inFlight of [1, 4]) {
  Deno.test(`--in-flight ${inFlight}: never more awaiting answers, the next sent on each answer`, async () => {
    const server = new DelayServer({ delayMs: 20 });
    try {
      const args = ["-c3", "--closed-loop", ...REQUEST, "-T2", `127.0.0.1:${server.port}`];
      if (inFlight > 1) args.splice(2, 0, "--in-flight", String(inFlight));
      const run = await runKali(args);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(server.maxWaiting, [inFlight, inFlight, inFlight]);
      const loop = closedLoopLine(run.stdout);
      assert.equal(loop.inFlight, inFlight);
      assert.equal(loop.timeouts, 0);
      // Each connection completes inFlight requests per 20 ms round trip, at best.
      const ideal = 3 * inFlight * (1000 / 20);
      assert.ok(loop.perSecond <= ideal * 1.05, `${loop.perSecond} requests/s`);
      assert.ok(loop.perSecond >= ideal * 0.5, `${loop.perSecond} requests/s`);
      assert.match(run.stdout, /^Message latency at percentiles: /m);
    } finally {
      server.close();
    }
  });
}

Deno.test("--json holds the closed loop's settings and counts", async () => {
  const server = new DelayServer({ delayMs: 5 });
  const json = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const run = await runKali([
      "-c2",
      "--closed-loop",
      "--in-flight",
      "2",
      ...REQUEST,
      "-T1",
      "--json",
      json,
      `127.0.0.1:${server.port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(await Deno.readTextFile(json));
    assert.deepEqual(validate(result, schema), []);
    const loop = closedLoopLine(run.stdout);
    assert.equal(result.closedLoop.inFlight, 2);
    assert.equal(result.closedLoop.responses, loop.answers);
    assert.equal(result.closedLoop.responseTimeouts, 0);
    // Every request answered but those in flight when the run stopped.
    assert.ok(result.closedLoop.requests - result.closedLoop.responses <= 2 * 2);
    // Latency counts from the start, the counters from the steady phase (as tcpkali's).
    assert.ok(result.report.latency.message.count >= loop.answers);
  } finally {
    server.close();
    await Deno.remove(json);
  }
});

Deno.test("-r caps a closed loop's rate per connection", async () => {
  const server = new DelayServer({ delayMs: 1 });
  try {
    const run = await runKali([
      "-c2",
      "--closed-loop",
      "--in-flight",
      "8",
      "-r",
      "50",
      ...REQUEST,
      "-T2",
      `127.0.0.1:${server.port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const loop = closedLoopLine(run.stdout);
    assert.ok(loop.perSecond > 2 * 50 * 0.8 && loop.perSecond < 2 * 50 * 1.2, run.stdout);
  } finally {
    server.close();
  }
});

Deno.test("a late answer is a timeout: its slot is freed and the connection goes on", async () => {
  // The second answer comes after 300 ms, the next one behind it, in order.
  const server = new DelayServer({ delayMs: 1, slow: [2], slowMs: 300 });
  try {
    const run = await runKali([
      "--closed-loop",
      "--response-timeout",
      "200ms",
      ...REQUEST,
      "-T2",
      `127.0.0.1:${server.port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const loop = closedLoopLine(run.stdout);
    assert.equal(loop.timeouts, 1);
    // The freed slot sent the third request 200 ms in; it waited behind the late answer.
    assert.equal(server.maxWaiting[0], 2);
    assert.ok(loop.answers > 100, `${loop.answers} answers after the timeout`);
    assert.equal(server.maxWaiting.length, 1, "the connection was not re-opened");
  } finally {
    server.close();
  }
});

Deno.test("--response-timeout-close: a timeout closes the connection, a new one goes on", async () => {
  const server = new DelayServer({ delayMs: 1, unanswered: [2] });
  try {
    const run = await runKali([
      "--closed-loop",
      "--response-timeout",
      "200ms",
      "--response-timeout-close",
      ...REQUEST,
      "-T2",
      `127.0.0.1:${server.port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    // Every new connection's second request goes unanswered too: one timeout per connection.
    const loop = closedLoopLine(run.stdout);
    assert.ok(loop.timeouts >= 3, `${loop.timeouts} timeouts`);
    assert.ok(server.maxWaiting.length >= loop.timeouts, `${server.maxWaiting.length} connections`);
  } finally {
    server.close();
  }
});

Deno.test("--closed-loop needs --latency-marker; its options warn without it", async () => {
  const without = await runKali(["--closed-loop", "-m", "x", "-T1", "127.0.0.1:9"]);
  assert.equal(without.code, 64);
  assert.match(without.stderr, /--closed-loop requires --latency-marker/);
  const stray = await runKali(["--in-flight", "4", "-m", "x", "-T1", "127.0.0.1:9"]);
  assert.match(stray.stderr, /^WARNING: --in-flight makes no effect without --closed-loop$/m);
});
