/**
 * `--shard I/N` and `--start-at` against a recording sink: the shards'
 * connections carry exactly the uids of one unsharded run, and a scheduled
 * run binds first, waits, and starts at the instant.
 */
import assert from "node:assert/strict";
import { freePort, runKali, spawnKali, waitForPort } from "../../_helpers/kali.ts";
import { RecordingSink } from "../../_helpers/peers.ts";
import { type Schema, validate } from "../../_helpers/json_schema.ts";

const schema: Schema = JSON.parse(
  Deno.readTextFileSync(new URL("../../../docs/kali-result.schema.json", import.meta.url)),
);

/** The uid each connection of `sink` sent (`U<uid>.` repeated), in accept order. */
function uidsOf(sink: RecordingSink): number[] {
  const decoder = new TextDecoder();
  return sink.connections.map((_, i) => {
    const text = decoder.decode(sink.bytesOf(i));
    const uids = new Set([...text.matchAll(/U(\d+)\./g)].map((m) => Number(m[1])));
    assert.equal(uids.size, 1, `connection ${i} sent ${text.slice(0, 80)}`);
    return [...uids][0];
  });
}

Deno.test("three shards' connections carry the uids 1..c of one unsharded run", async () => {
  const c = 11;
  const args = (extra: string[]) => [
    "-c",
    String(c),
    "--connect-rate",
    "200",
    "-m",
    "U\\{connection.uid}.",
    "-r",
    "2",
    "-T",
    "1",
    ...extra,
  ];
  const whole = new RecordingSink();
  const parts = new RecordingSink();
  try {
    const unsharded = await runKali(args([`127.0.0.1:${whole.port}`]));
    assert.equal(unsharded.code, 0, unsharded.stderr);
    const runs = await Promise.all(
      [0, 1, 2].map((i) => runKali(args(["--shard", `${i}/3`, `127.0.0.1:${parts.port}`]))),
    );
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const expected = Array.from({ length: c }, (_, i) => i + 1);
    assert.deepEqual(uidsOf(whole).sort((a, b) => a - b), expected);
    assert.deepEqual(uidsOf(parts).sort((a, b) => a - b), expected);
    // Shares of 11 over 3: 4, 4, 3 (each shard says how many it ramped up).
    const ramped = runs.map((r) => Number(/Ramped up to (\d+) connections/.exec(r.stderr)?.[1]));
    assert.deepEqual(ramped, [4, 4, 3]);
  } finally {
    whole.close();
    parts.close();
  }
});

Deno.test("--start-at: binds, says how long it waits, and starts at the instant", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const port = freePort();
    const at = Date.now() + 6000;
    const file = `${dir}/result.json`;
    const child = spawnKali([
      "-l",
      `127.0.0.1:${port}`,
      "--start-at",
      new Date(at).toISOString(),
      "-T",
      "0.5",
      "--json",
      file,
    ]);
    // The listener is bound before the start: a connection is accepted while it waits.
    await waitForPort(port, 5500);
    assert.ok(Date.now() < at, "the port was not bound before --start-at");
    const output = await child.output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    const wait = /^Waiting (\d+\.\d{3}) s to start at (\S+)$/m.exec(stderr);
    assert.ok(wait, stderr);
    assert.equal(wait[2], new Date(at).toISOString());
    assert.ok(Number(wait[1]) > 0.5 && Number(wait[1]) <= 6, wait[0]);
    const result = JSON.parse(Deno.readTextFileSync(file));
    const started = Date.parse(result.startedAt);
    assert.ok(started >= at && started - at < 100, `started ${started - at} ms after ${at}`);
    assert.equal(result.startAt, new Date(at).toISOString());
    assert.equal(result.startLatenessMs, started - at);
    assert.equal(result.shard, null);
    assert.deepEqual(validate(result, schema), []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--start-at in the past: starts at once, warns, records the lateness", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const at = Date.now() - 3000;
    const file = `${dir}/result.json`;
    const run = await runKali([
      "-l",
      `127.0.0.1:${freePort()}`,
      "--start-at",
      String(at),
      "--shard",
      "1/4",
      "-T",
      "0.3",
      "--json",
      file,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const warning = /^WARNING: --start-at (\S+) passed (\d+\.\d{3}) s ago; starting now$/m
      .exec(run.stderr);
    assert.ok(warning, run.stderr);
    assert.ok(Number(warning[2]) >= 3, warning[0]);
    const result = JSON.parse(Deno.readTextFileSync(file));
    assert.equal(result.startAt, new Date(at).toISOString());
    assert.equal(result.startLatenessMs, Date.parse(result.startedAt) - at);
    assert.ok(result.startLatenessMs >= 3000);
    assert.deepEqual(result.shard, { index: 1, count: 4 });
    assert.deepEqual(validate(result, schema), []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("Ctrl+C while waiting for --start-at ends the run without starting it", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const port = freePort();
    const file = `${dir}/result.json`;
    const child = spawnKali([
      "-l",
      `127.0.0.1:${port}`,
      "--start-at",
      String(Date.now() + 60000),
      "--json",
      file,
    ]);
    await waitForPort(port);
    child.kill("SIGINT");
    const output = await child.output();
    const result = JSON.parse(Deno.readTextFileSync(file));
    assert.equal(result.status, "interrupted", new TextDecoder().decode(output.stderr));
    assert.equal(result.startLatenessMs, null);
    assert.equal(typeof result.startAt, "string");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
