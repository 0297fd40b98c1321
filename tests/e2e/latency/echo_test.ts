import assert from "node:assert/strict";
import { freePort, runKali } from "../../_helpers/kali.ts";
import { EchoServer } from "../../_helpers/echo_server.ts";
import { markerSampleCount, monotone, percentileLine, workerSum } from "../../_helpers/report.ts";

Deno.test("echo: one latency sample per echoed marker; lines in tcpkali's order and format", async () => {
  const echo = new EchoServer();
  try {
    const run = await runKali([
      "-T2",
      "-c4",
      "-em",
      "PING\\n",
      "-r",
      "100",
      "--latency-connect",
      "--latency-first-byte",
      "--latency-marker",
      "PING",
      "--latency-percentiles",
      "50,90,99.9",
      "-vvv",
      `127.0.0.1:${echo.port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    const titles = lines.map((l) => l.replace(/ at percentiles: .*/, "")).slice(5, 9);
    assert.deepEqual(titles, [
      "TCP connect latency",
      "First byte latency",
      "Message latency",
      "Corrected message latency",
    ]);
    assert.match(lines[9], /^Test duration: [\d.]+ s\.$/);
    for (const title of titles) {
      const line = percentileLine(run.stdout, title);
      assert.ok(line, `${title} line`);
      assert.deepEqual(line.labels, ["50", "90", "99.9"]);
      assert.ok(monotone(line.values), `${title}: ${line.values}`);
    }
    // Every answer that came back was timed exactly once.
    const answers = workerSum(run.stderr, "worker_data_rcvd") / "PING\n".length;
    assert.ok(answers > 600, `${answers} answers`);
    assert.equal(markerSampleCount(run.stderr), answers);
    // Echoes still in flight when the run stops are never read: a few
    // messages per connection at most, never more received than sent.
    const unanswered = workerSum(run.stderr, "worker_data_sent") / "PING\n".length - answers;
    assert.ok(unanswered >= 0 && unanswered <= 4 * 5, `${unanswered} unanswered`);
  } finally {
    echo.close();
  }
});

Deno.test("echo: a --latency-marker naming its connection is bound per connection", async () => {
  const echo = new EchoServer();
  try {
    // Connection 1 sends X1Y and looks for 1Y; connection 2 sends X2Y and looks for 2Y.
    const run = await runKali([
      "-T2",
      "-c2",
      "-m",
      "X\\{connection.uid}Y",
      "--latency-marker",
      "\\{connection.uid}Y",
      "-r",
      "50",
      "-vvv",
      `127.0.0.1:${echo.port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const answers = workerSum(run.stderr, "worker_data_rcvd") / "X1Y".length;
    assert.ok(answers > 100, `${answers} answers`);
    assert.equal(markerSampleCount(run.stderr), answers);
    assert.ok(percentileLine(run.stdout, "Message latency"), run.stdout);
  } finally {
    echo.close();
  }
});

Deno.test("echo: more markers than messages is fatal (exit 1)", async () => {
  const echo = new EchoServer();
  try {
    const run = await runKali(
      ["-T2", "-m", "PIPI", "-r", "50", "--latency-marker", "PI", `127.0.0.1:${echo.port}`],
    );
    assert.equal(run.code, 1);
    assert.equal(run.stdout, "");
    assert.deepEqual(run.stderr.trimEnd().split("\n").slice(-2), [
      "More messages received than sent. Choose a different --latency-marker.",
      "Use -d option to dump received message data.",
    ]);
  } finally {
    echo.close();
  }
});

Deno.test("echo: --latency-marker-skip ignores a greeting's markers", async () => {
  // A server that greets each connection with XXXXX, then echoes.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const conns: Deno.TcpConn[] = [];
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      (async () => {
        try {
          await conn.write(new TextEncoder().encode("XXXXX"));
          await conn.readable.pipeTo(conn.writable);
        } catch { /* closed */ }
      })();
    }
  })().catch(() => {});
  try {
    const args = ["-T1", "-m", "PING", "-r", "20", "--latency-marker", "X"];
    const skipped = await runKali([...args, "--latency-marker-skip", "5", `127.0.0.1:${port}`]);
    assert.equal(skipped.code, 0, skipped.stderr);
    const unskipped = await runKali([...args, `127.0.0.1:${port}`]);
    assert.equal(unskipped.code, 1);
    assert.match(unskipped.stderr, /More messages received than sent/);
  } finally {
    listener.close();
    for (const conn of conns) {
      try {
        conn.close();
      } catch { /* closed */ }
    }
  }
});

Deno.test("marker mode in a self-loop: message rates and one-way latency", async () => {
  const port = freePort();
  const run = await runKali([
    "-l",
    String(port),
    "-T2",
    "-c2",
    "-m",
    "X\\{message.marker}",
    "-r",
    "50",
    `127.0.0.1:${port}`,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const rate = /^Aggregate message rate: ([\d.]+)↓, ([\d.]+)↑ mps$/m.exec(run.stdout);
  assert.ok(rate, run.stdout);
  // 2 connections x 50 msg/s, received by the listener in the same process.
  assert.ok(Math.abs(Number(rate[2]) - 100) < 15, rate[0]);
  assert.ok(Math.abs(Number(rate[1]) - Number(rate[2])) < 15, rate[0]);
  const lines = run.stdout.split("\n");
  assert.ok(lines.indexOf(rate[0]) === 4 && lines[5].startsWith("Packet rate estimate:"));
  const latency = percentileLine(run.stdout, "Message latency");
  assert.ok(latency && monotone(latency.values), run.stdout);
  assert.deepEqual(latency.labels, ["95", "99", "99.5"]);
  assert.ok(latency.values[2] < 1000);
  assert.equal(percentileLine(run.stdout, "Corrected message latency"), null);
});

Deno.test("-r @ search out of -T: the verdict follows the report, exit 1", async () => {
  const echo = new EchoServer();
  const json = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const run = await runKali(
      [
        "-m",
        "PING",
        "-r",
        "@50ms",
        "-T3",
        "--latency-marker",
        "PING",
        "--json",
        json,
        `127.0.0.1:${echo.port}`,
      ],
      { timeoutMs: 30000 },
    );
    assert.equal(run.code, 1, run.stderr);
    // --json records the verdict that follows the report, and the probes.
    const result = JSON.parse(await Deno.readTextFile(json));
    assert.equal(result.status, "rate-search-failed");
    assert.deepEqual(result.reason, [
      "Failed to find the best --message-rate for latency 50ms in -T3 seconds",
    ]);
    assert.equal(result.rateSearch.outcome, "timed-out");
    assert.deepEqual(result.rateSearch.probes[0].rate, 100);
    assert.equal(result.rateSearch.best.rate, result.rateSearch.probes.at(-1).rate);
    // The first probe needs 200 answers at 100 msg/s: 2 s; the second starts at 400.
    assert.match(
      run.stderr,
      /^--message-rate 100: [\d.]+ ms⁹⁵ᵖ \(\d+ answers in 2\.\d+ s\) meets 50ms$/m,
    );
    assert.match(run.stderr, /^Attempting --message-rate 400 \(in range 100\.\.inf\)$/m);
    assert.match(
      run.stderr,
      /^Failed to find the best --message-rate for latency 50ms in -T3 seconds$/m,
    );
    assert.match(run.stdout, /^Message latency at percentiles: /m);
    assert.match(
      run.stdout,
      /^Rate search: best --message-rate (100|400) .*\(search unfinished\)$/m,
    );
  } finally {
    echo.close();
    await Deno.remove(json);
  }
});
