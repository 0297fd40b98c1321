/**
 * `--stage DURATION:TARGETS`: connections and the message rate move
 * linearly from stage to stage; connections the target no longer wants
 * close politely (WebSocket close handshake, TLS close_notify); the report
 * ends with one row per stage and the JSON holds the same.
 */
import assert from "node:assert/strict";
import { type Schema, validate } from "../../_helpers/json_schema.ts";
import { freePort, runKali, spawnKali } from "../../_helpers/kali.ts";
import { denoEchoServer } from "../../_helpers/websocket_peers.ts";
import { makeCertificate } from "../../_helpers/tls_peers.ts";

const schema: Schema = JSON.parse(
  Deno.readTextFileSync(new URL("../../../docs/kali-result.schema.json", import.meta.url)),
);

/** Runs kali; resolves once it says `line` on stderr, with a promise of its end. */
async function spawnUntil(args: string[], line: RegExp) {
  const child = spawnKali(args);
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!line.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`kali ended before ${line}: ${text}`);
    text += value;
  }
  const rest = (async () => {
    while (!(await reader.read()).done) { /* drain */ }
    await child.stdout.cancel();
    return await child.status;
  })();
  return { ended: rest };
}

/** The stage table's rows: label, seconds, connections, sent/s, received/s, latency. */
function stageRows(stdout: string): string[][] {
  const lines = stdout.split("\n");
  const header = lines.findIndex((line) => line.startsWith("Stage  "));
  assert.ok(header >= 0, stdout);
  return lines.slice(header + 1).filter((line) => /^\d+ /.test(line)).map((line) =>
    line.split(/ {2,}/)
  );
}

Deno.test("stages ramp connections and rate; the report and JSON have a row per stage", async () => {
  const port = freePort();
  const json = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const run = await runKali([
      "-l",
      `127.0.0.1:${port}`,
      "--listen-mode",
      "echo",
      "-m",
      "hello",
      "--latency-marker",
      "hello",
      "--stage",
      "1s:c=4,r=20",
      "--stage",
      "2s:r=100",
      "--stage",
      "1s:c=0",
      "--json",
      json,
      `127.0.0.1:${port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^Stage 1 of 3: 1s:c=4,r=20$/m);
    assert.match(run.stderr, /^Stage 3 of 3: 1s:c=0$/m);
    assert.doesNotMatch(run.stderr, /Ramped up/);
    assert.match(run.stdout, /^Test duration: 4\.0\d* s\.$/m);
    const rows = stageRows(run.stdout);
    assert.deepEqual(rows.map((r) => r[0]), ["1 1s:c=4,r=20", "2 2s:r=100", "3 1s:c=0"]);
    assert.deepEqual(rows.map((r) => Number(r[2])), [4, 4, 0]);
    // Stage 2: 4 connections going from 20 to 100 msg/s, 60 on average: about 240 msg/s.
    const sent = Number(rows[1][3]);
    assert.ok(sent > 240 * 0.8 && sent < 240 * 1.2, `stage 2 sent ${sent} msg/s`);
    // The echo answers every message: received keeps up with sent, and latency is measured.
    assert.ok(Math.abs(Number(rows[1][4]) - sent) < sent * 0.1, rows[1].join(" | "));
    assert.match(rows[1][5], /^[\d.]+\/[\d.]+\/[\d.]+$/);
    const result = JSON.parse(await Deno.readTextFile(json));
    assert.deepEqual(validate(result, schema), []);
    assert.equal(result.options.durationMs, 4000);
    assert.deepEqual(
      result.stages.map((
        s: Record<string, unknown>,
      ) => [s.stage, s.targetConnections, s.targetMessageRate]),
      [["1s:c=4,r=20", 4, 20], ["2s:r=100", 4, 100], ["1s:c=0", 0, 100]],
    );
    assert.equal(result.stages[2].connectionsOpenOut, 0);
  } finally {
    await Deno.remove(json);
  }
});

Deno.test("--stage with -T is a usage error; the stages are the duration", async () => {
  const run = await runKali(["-T", "5", "--stage", "1s:c=2", "-m", "x", "127.0.0.1:9"]);
  assert.equal(run.code, 64);
  assert.match(run.stderr, /--stage and --duration \(-T\) exclude each other/);
  const bad = await runKali(["--stage", "1s:x=2", "127.0.0.1:9"]);
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /--stage=1s:x=2: "x=2" is not c=<N> or r=<Rate>/);
});

Deno.test("a falling target closes WebSocket connections with the close handshake", async () => {
  const server = denoEchoServer();
  try {
    const kali = await spawnUntil([
      "--ws",
      "-m",
      "hi",
      "-r",
      "10",
      "--stage",
      "1s:c=4",
      "--stage",
      "0.1s:c=1",
      "--stage",
      "1.5s:c=1",
      `127.0.0.1:${server.port}`,
    ], /^Stage 3 of 3/m);
    // Well before the run ends, three of the four have closed with 1000.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const midRun = [...server.closeCodes];
    assert.equal((await kali.ended).code, 0);
    assert.deepEqual(midRun, [1000, 1000, 1000]);
    assert.deepEqual(server.closeCodes, [1000, 1000, 1000, 1000]);
  } finally {
    await server.stop();
  }
});

Deno.test("a falling target closes TLS connections with close_notify", async () => {
  const certs = await makeCertificate();
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: Deno.readTextFileSync(certs.cert),
    key: Deno.readTextFileSync(certs.key),
  });
  const ends: string[] = [];
  const accepting = (async () => {
    try {
      for (;;) {
        const conn = await listener.accept();
        (async () => {
          const buffer = new Uint8Array(16384);
          try {
            while ((await conn.read(buffer)) !== null) { /* discard */ }
            ends.push("close_notify");
          } catch (error) {
            ends.push(error instanceof Error ? error.name : String(error));
          }
        })();
      }
    } catch { /* closed */ }
  })();
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    const kali = await spawnUntil([
      "--ssl",
      "-m",
      "hi",
      "-r",
      "10",
      "--stage",
      "1s:c=3",
      "--stage",
      "0.1s:c=0",
      "--stage",
      "1.5s:c=0",
      `127.0.0.1:${port}`,
    ], /^Stage 3 of 3/m);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const midRun = [...ends];
    assert.equal((await kali.ended).code, 0);
    assert.deepEqual(midRun, ["close_notify", "close_notify", "close_notify"]);
  } finally {
    listener.close();
    await accepting;
    await Deno.remove(certs.dir, { recursive: true });
  }
});
