/**
 * `--json FILE`: the file validates against docs/kali-result.schema.json and
 * its figures equal the text report's, or the peer's when a run ends
 * without a report (--message-stop, a fatal error).
 */
import assert from "node:assert/strict";
import { freePort, reportBytes, runKali } from "../../_helpers/kali.ts";
import { type Schema, validate } from "../../_helpers/json_schema.ts";
import { LatencyHistogram } from "../../../src/stats/histogram.ts";
import { loadHistogramLibrary } from "../../../src/stats/hdr_library.ts";
import { EchoServer } from "../../_helpers/echo_server.ts";
import { makeCertificate } from "../../_helpers/tls_peers.ts";

await loadHistogramLibrary();

const schema: Schema = JSON.parse(
  Deno.readTextFileSync(new URL("../../../docs/kali-result.schema.json", import.meta.url)),
);

Deno.test("the validator rejects what the schema forbids", () => {
  assert.deepEqual(validate({ kali: {} }, schema).slice(0, 2), [
    "$: missing host",
    "$: missing shard",
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
    assert.deepEqual(result.reason, []);
    assert.deepEqual(result.argv, args);
    assert.equal(result.options.tls, false);
    assert.equal(result.options.tlsCertFile, null);
    assert.equal(result.report.bytesSent, reportBytes(run.stdout, "sent"));
    assert.equal(result.report.bytesReceived, reportBytes(run.stdout, "received"));
    assert.ok(result.report.bytesSent > 0);
    assert.deepEqual(result.report.text, run.stdout.trimEnd().split("\n"));
    assert.equal(result.options.connections, 2);
    assert.equal(result.options.messageRate, 100);
    assert.equal(result.kali.format, 2);
    assert.equal(result.host, Deno.hostname());
    assert.equal(result.asked.connections, 2);
    // Counters by span: the report's are the steady phase's; the whole run's hold the ramp-up.
    assert.equal(result.counters.reported, "steady");
    assert.equal(result.counters.steady.bytesSent, result.report.bytesSent);
    assert.equal(result.counters.run.connectionsInitiated, 2);
    assert.equal(result.counters.end.connectionsOpenOut, 2);
    assert.ok(result.counters.run.messagesWritten >= result.counters.steady.messagesWritten);
    // About -r 100 on 2 connections for 2.2 s, counted without --message-marker.
    const written = result.counters.steady.messagesWritten;
    assert.ok(Math.abs(written - 440) <= 12, `${written} messages written`);
    // The series, ramp-up and steady phase, adds up to the whole run's counters.
    const sum = (key: string) =>
      result.series.reduce((n: number, p: Record<string, number>) => n + p[key], 0);
    assert.equal(sum("bytesSent"), result.counters.run.bytesSent);
    assert.equal(sum("messagesWritten"), result.counters.run.messagesWritten);
    // Per-second series: about one point per second of the run, and the rest.
    assert.ok(
      result.series.length >= 3 && result.series.length <= 4,
      JSON.stringify(result.series),
    );
    const end = Date.parse(result.startedAt) / 1000 + result.series.at(-1).t;
    assert.ok(Math.abs(result.series.at(-1).unixTime - end) < 0.002);
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

/** Reads `conn` until the peer goes away; resolves to the bytes read. */
async function drain(conn: Deno.Conn, counted = 0): Promise<number> {
  const buffer = new Uint8Array(65536);
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      counted += n;
    }
  } catch { /* reset when kali exits */ }
  return counted;
}

Deno.test("--json is written when --message-stop ends the run, with the counts so far", async () => {
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/result.json`;
  // A peer that answers kali's second hello with the stop word, then counts
  // everything kali sent until kali exits.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const stopWord = new TextEncoder().encode("HELLO STOP ZZ");
  const peer = (async () => {
    const conn = await listener.accept();
    const buffer = new Uint8Array(65536);
    let received = 0;
    while (received < 2 * "hello".length) {
      const n = await conn.read(buffer);
      if (n === null) return { received, answered: false };
      received += n;
    }
    await conn.write(stopWord);
    received = await drain(conn, received);
    conn.close();
    return { received, answered: true };
  })();
  try {
    // --delay-send keeps every byte in the steady phase: the report counts all of them.
    const args = ["--json", file, "-T3", "-m", "hello", "-r", "10", "--delay-send", "0.3"];
    const run = await runKali([...args, "--message-stop", "STOP", `127.0.0.1:${port}`]);
    const { received, answered } = await peer;
    assert.ok(answered, "kali sent fewer than two messages");
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, 'Found --message-stop="STOP", aborting.\n');
    const result = JSON.parse(Deno.readTextFileSync(file));
    assert.deepEqual(validate(result, schema), []);
    assert.equal(result.status, "message-stop");
    const lastPacket = run.stderr.trimEnd().split("\n").at(-1);
    assert.deepEqual(result.reason, [lastPacket, run.stdout.trimEnd()]);
    assert.deepEqual(result.report.text, []);
    assert.equal(result.options.messageStop, "STOP");
    assert.equal(result.report.bytesReceived, stopWord.length);
    assert.ok(result.report.bytesSent > 0);
    assert.equal(result.report.bytesSent, received);
    assert.ok(result.report.durationSeconds > 0.3 && result.report.durationSeconds < 3);
  } finally {
    listener.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--json is written on a fatal error, with status failed and the error lines", async () => {
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/result.json`;
  const echo = new EchoServer();
  try {
    // Each echoed PIPI holds two markers for one message sent: fatal at the
    // first echo, which --delay-send puts in the steady phase.
    const run = await runKali([
      "--json",
      file,
      "-T2",
      "-m",
      "PIPI",
      "-r",
      "50",
      "--delay-send",
      "0.3",
      "--latency-marker",
      "PI",
      `127.0.0.1:${echo.port}`,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, "");
    const errorLines = run.stderr.trimEnd().split("\n").slice(-2);
    assert.equal(
      errorLines[0],
      "More messages received than sent. Choose a different --latency-marker.",
    );
    const result = JSON.parse(Deno.readTextFileSync(file));
    assert.deepEqual(validate(result, schema), []);
    assert.equal(result.status, "failed");
    assert.deepEqual(result.reason, errorLines);
    assert.deepEqual(result.report.text, []);
    assert.equal(result.options.latency.marker, "PI");
    assert.deepEqual(result.options.latency.percentiles.map((p: { label: string }) => p.label), [
      "95",
      "99",
      "99.5",
    ]);
    // Read at one instant: kali cannot have received more than it sent, nor
    // more than the echo server sent back.
    const { bytesSent, bytesReceived } = result.report;
    assert.ok(bytesReceived > 0 && bytesReceived <= bytesSent, `${bytesReceived}/${bytesSent}`);
    assert.ok(bytesReceived <= echo.echoed, `${bytesReceived} > ${echo.echoed} echoed`);
  } finally {
    echo.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--json is written when the listen address is in use, before any traffic", async () => {
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/result.json`;
  const taken = Deno.listen({ hostname: "0.0.0.0", port: freePort() });
  const port = (taken.addr as Deno.NetAddr).port;
  try {
    const run = await runKali(["--json", file, "-T1", "-l", String(port)]);
    assert.equal(run.code, 69, run.stderr);
    const errorLine = run.stderr.trimEnd().split("\n").at(-1)!;
    assert.match(errorLine, /Address already in use/);
    const result = JSON.parse(Deno.readTextFileSync(file));
    assert.deepEqual(validate(result, schema), []);
    assert.equal(result.status, "failed");
    assert.deepEqual(result.reason, [errorLine]);
    assert.deepEqual(result.report.text, []);
    assert.equal(result.report.bytesSent, 0);
    assert.equal(result.report.durationSeconds, 0);
    assert.deepEqual(result.series, []);
  } finally {
    taken.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--json options carry the TLS settings, file names only", async () => {
  const certs = await makeCertificate();
  const file = `${certs.dir}/result.json`;
  try {
    const port = freePort();
    const run = await runKali([
      "--json",
      file,
      "--ssl",
      "--ssl-cert",
      certs.cert,
      "--ssl-key",
      certs.key,
      "-l",
      `127.0.0.1:${port}`,
      `127.0.0.1:${port}`,
      "-m",
      "hello",
      "-r",
      "10",
      "-T",
      "0.5",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const text = Deno.readTextFileSync(file);
    const result = JSON.parse(text);
    assert.deepEqual(validate(result, schema), []);
    assert.equal(result.options.tls, true);
    assert.equal(result.options.tlsCertFile, certs.cert);
    assert.equal(result.options.tlsKeyFile, certs.key);
    assert.ok(!text.includes("PRIVATE KEY"));
    assert.deepEqual(result.reason, []);
  } finally {
    Deno.removeSync(certs.dir, { recursive: true });
  }
});

Deno.test("--json to a path that cannot be written: exit 73 before any traffic", async () => {
  const port = freePort();
  for (
    const [file, reason] of [["/nonexistent-dir/x.json", "No such file or directory"], [
      "/tmp",
      "Is a directory",
    ]]
  ) {
    const run = await runKali([
      "-l",
      `127.0.0.1:${port}`,
      `127.0.0.1:${port}`,
      "-T1",
      "--json",
      file,
    ]);
    assert.equal(run.code, 73, run.stderr);
    assert.ok(
      run.stderr.includes(`kali: cannot write the --json result to "${file}": ${reason}\n`),
      run.stderr,
    );
    assert.equal(run.stdout, "", "no traffic, no report");
    assert.doesNotMatch(run.stderr, /Ramped up/);
  }
});

Deno.test("--json that fails to write at the end: the report stays, exit 73 with one line", async () => {
  const port = freePort();
  const run = await runKali([
    "-l",
    `127.0.0.1:${port}`,
    `127.0.0.1:${port}`,
    "-T1",
    "--json",
    "/proc/version",
  ]);
  assert.equal(run.code, 73, run.stderr);
  assert.match(run.stdout, /^Test duration: /m);
  assert.match(run.stderr, /^kali: cannot write the --json result to "\/proc\/version": .+$/m);
});
