/**
 * `--threshold` on real runs and merges: one verdict line per threshold
 * after the normal report, exit 0 when all hold and 99 when one fails, the
 * outcomes in the JSON; a bad expression stops kali before any traffic.
 */
import assert from "node:assert/strict";
import { freePort, runKali } from "../../_helpers/kali.ts";
import { startRedis } from "../../_helpers/peers.ts";
import { loadHistogramLibrary } from "../../../src/stats/hdr_library.ts";

await loadHistogramLibrary();

Deno.test("thresholds that hold: verdict lines after the report, exit 0, outcomes in the JSON", async () => {
  const redis = await startRedis();
  const dir = Deno.makeTempDirSync();
  try {
    const run = await runKali([
      "-c",
      "4",
      "-em",
      "PING\\r\\n",
      "--latency-marker",
      "PONG",
      "-r",
      "100",
      "-T",
      "2",
      "--latency-connect",
      "--json",
      `${dir}/r.json`,
      "--threshold",
      "message.p99 < 1s",
      "--threshold",
      "corrected.p99.9 < 2s",
      "--threshold",
      "connect.p95 <= 500ms",
      "--threshold",
      "sent.ratio >= 0.9",
      "--threshold",
      "connections.failed == 0",
      "--threshold",
      "connections.open >= 4",
      `127.0.0.1:${redis.port}`,
    ]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    const report = lines.findIndex((l) => l.startsWith("Test duration:"));
    assert.ok(report > 0, run.stdout);
    assert.deepEqual(lines.slice(report + 1).map((l) => l.replace(/ \(measured .*\)$/, "")), [
      "✓ message.p99 < 1s",
      "✓ corrected.p99.9 < 2s",
      "✓ connect.p95 <= 500ms",
      "✓ sent.ratio >= 0.9",
      "✓ connections.failed == 0",
      "✓ connections.open >= 4",
    ]);
    const result = JSON.parse(Deno.readTextFileSync(`${dir}/r.json`));
    const message = result.thresholds[0];
    assert.deepEqual([message.expression, message.passed, message.unit], [
      "message.p99 < 1s",
      true,
      "ms",
    ]);
    // The measured value is the report's figure, recomputable from the file.
    const p99 = result.report.latency.message.percentiles.find((p: { label: string }) =>
      p.label === "99"
    ).ms;
    assert.equal(message.measured, p99);
    assert.match(lines[report + 1], new RegExp(`\\(measured ${p99.toFixed(1)} ms\\)$`));
    assert.equal(result.thresholds[5].measured, 4);
  } finally {
    await redis.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a failing threshold exits 99 after the normal report", async () => {
  const port = freePort();
  const run = await runKali([
    "-l",
    String(port),
    `127.0.0.1:${port}`,
    "-m",
    "hello",
    "-r",
    "10",
    "-T",
    "1",
    "--threshold",
    "bandwidth.down > 1Gbps",
    "--threshold",
    "sent.mps >= 5",
  ]);
  assert.equal(run.code, 99, run.stderr);
  assert.match(run.stdout, /^Total data sent: .*\nTotal data received: /m);
  assert.match(
    run.stdout,
    /^Test duration: .*\n✗ bandwidth\.down > 1Gbps \(measured 0\.\d+ Mbps\)\n✓ sent\.mps >= 5 \(measured \d+\.\d+ mps\)\n$/m,
  );
});

Deno.test("a bad threshold is a usage error before any traffic", async () => {
  const port = freePort();
  const run = await runKali([
    "-l",
    String(port),
    `127.0.0.1:${port}`,
    "--threshold",
    "latency < 5ms",
  ]);
  assert.equal(run.code, 64);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^--threshold "latency < 5ms": unknown metric "latency"; known: /);
  assert.equal(run.stderr.trimEnd().split("\n").length, 1, "no Destination or Listen lines");
  const unmeasured = await runKali([`127.0.0.1:${port}`, "--threshold", "message.p99 < 5ms"]);
  assert.equal(unmeasured.code, 64);
  assert.match(unmeasured.stderr, /message latency is not measured/);
});

Deno.test("merge judges thresholds on the whole: 0 when they hold, 99 when one fails", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const files = [`${dir}/a.json`, `${dir}/b.json`];
    await Promise.all(files.map((file) => {
      const port = freePort();
      return runKali([
        "-l",
        String(port),
        `127.0.0.1:${port}`,
        "-c",
        "3",
        "-m",
        "x",
        "-r",
        "20",
        "-T",
        "1",
        "--json",
        file,
      ]);
    }));
    const pass = await runKali(["merge", ...files, "--threshold", "connections.open == 12"]);
    assert.equal(pass.code, 0, pass.stderr);
    assert.match(pass.stdout, /^✓ connections\.open == 12 \(measured 12 connections\)$/m);
    const fail = await runKali(["merge", ...files, "--threshold", "connections.open > 12"]);
    assert.equal(fail.code, 99, fail.stderr);
    assert.match(
      fail.stdout,
      /^Test duration: .*\n✗ connections\.open > 12 \(measured 12 connections\)\n$/m,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
