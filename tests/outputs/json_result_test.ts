/**
 * `--json FILE`: the file validates against docs/kali-result.schema.json and
 * its figures equal the text report's.
 */
import assert from "node:assert/strict";
import { freePort, reportBytes, runKali } from "../_helpers/kali.ts";
import { type Schema, validate } from "./json_schema.ts";
import { LatencyHistogram } from "../../src/stats/histogram.ts";

const schema: Schema = JSON.parse(
  Deno.readTextFileSync(new URL("../../docs/kali-result.schema.json", import.meta.url)),
);

Deno.test("the validator rejects what the schema forbids", () => {
  assert.deepEqual(validate({ kali: {} }, schema).slice(0, 2), [
    "$: missing startedAt",
    "$: missing status",
  ]);
  assert.deepEqual(validate(1.5, { type: "integer" }), ["$: expected integer, got number"]);
  assert.deepEqual(validate("x", { enum: ["y"] }), ["$: x not in enum"]);
});

Deno.test("--json writes a schema-valid result whose totals equal the report's", async () => {
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/result.json`;
  try {
    const port = freePort();
    const args = [
      "--json",
      file,
      "-m",
      "hello",
      "-r",
      "100",
      "-c",
      "2",
      "-l",
      String(port),
      `127.0.0.1:${port}`,
      "-T",
      "2.2",
    ];
    const run = await runKali(args);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(Deno.readTextFileSync(file));
    assert.deepEqual(validate(result, schema), []);
    assert.equal(result.status, "completed");
    assert.deepEqual(result.argv, args);
    assert.equal(result.report.bytesSent, reportBytes(run.stdout, "sent"));
    assert.equal(result.report.bytesReceived, reportBytes(run.stdout, "received"));
    assert.ok(result.report.bytesSent > 0);
    assert.deepEqual(result.report.text, run.stdout.trimEnd().split("\n"));
    assert.equal(result.options.connections, 2);
    assert.equal(result.options.messageRate, 100);
    // Per-second series: about one point per second of the run.
    assert.ok(
      result.series.length >= 2 && result.series.length <= 4,
      JSON.stringify(result.series),
    );
    const steady = result.series.filter((p: { phase: string }) => p.phase === "steady");
    assert.ok(steady.length >= 1);
    assert.equal(steady[0].connectionsOut, 2);
    assert.ok(steady[0].bytesSent > 0);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--json carries latency figures and the full histogram in base64", async () => {
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/result.json`;
  try {
    const port = freePort();
    const run = await runKali([
      "--json",
      file,
      "--latency-connect",
      "-c",
      "3",
      "-l",
      String(port),
      `127.0.0.1:${port}`,
      "-T",
      "0.5",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(Deno.readTextFileSync(file));
    assert.deepEqual(validate(result, schema), []);
    const connect = result.report.latency.connect;
    assert.equal(connect.count, 3);
    const decoded = LatencyHistogram.fromBase64(connect.histogram);
    assert.equal(decoded.count, 3);
    const shown = connect.percentiles.map((p: { ms: number }) => p.ms.toFixed(1)).join("/");
    assert.match(run.stdout, new RegExp(`^TCP connect latency at percentiles: ${shown} ms`, "m"));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
