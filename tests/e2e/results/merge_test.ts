/**
 * `kali merge` on real runs: three shards of one load against
 * redis-server merge to sums of their counters and histograms (count for
 * count), with tcpkali's report for the whole; a `kubectl logs`-like
 * stream of `--json -` runs merges from stdin; results of different loads
 * are refused and runs apart in time warned about.
 */
import assert from "node:assert/strict";
import { freePort, runKali } from "../../_helpers/kali.ts";
import { startRedis } from "../../_helpers/peers.ts";
import { type Schema, validate } from "../../_helpers/json_schema.ts";
import { bucketCounts } from "../../_helpers/results.ts";
import { LatencyHistogram } from "../../../src/stats/histogram.ts";
import type { ResultDocument } from "../../../src/stats/result_document.ts";
import { loadHistogramLibrary } from "../../../src/stats/hdr_library.ts";

await loadHistogramLibrary();

const schema: Schema = JSON.parse(
  Deno.readTextFileSync(new URL("../../../docs/kali-result.schema.json", import.meta.url)),
);
const MAIN = new URL("../../../main.ts", import.meta.url).pathname;

/** Runs `kali args…` with `input` on stdin. */
async function runWithStdin(args: string[], input: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const output = await child.output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: text(output.stdout), stderr: text(output.stderr) };
}

const sum = <T>(docs: T[], get: (d: T) => number) => docs.reduce((n, d) => n + get(d), 0);

function addedHistograms(docs: ResultDocument[], kind: "message" | "corrected"): LatencyHistogram {
  const total = new LatencyHistogram();
  for (const d of docs) total.add(LatencyHistogram.fromBase64(d.report.latency[kind]!.histogram));
  return total;
}

Deno.test("three redis-server shards merge to the sums of their counters and histograms", async () => {
  const redis = await startRedis();
  const dir = Deno.makeTempDirSync();
  try {
    const files = [1, 2, 3].map((i) => `${dir}/shard${i}.json`);
    const runs = await Promise.all(files.map((file) =>
      runKali([
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
        "--json",
        file,
        `127.0.0.1:${redis.port}`,
      ])
    ));
    runs.forEach((run) => assert.equal(run.code, 0, run.stderr));
    const docs = files.map((file) => JSON.parse(Deno.readTextFileSync(file)));
    const merge = await runKali([
      "merge",
      ...files,
      "--json",
      `${dir}/merged.json`,
      "--hdr-log",
      `${dir}/merged.hlog`,
    ]);
    assert.equal(merge.code, 0, merge.stderr);
    assert.equal(merge.stderr, "", "the shards overlap in time: no warning");
    const merged = JSON.parse(Deno.readTextFileSync(`${dir}/merged.json`));
    assert.deepEqual(validate(merged, schema), []);
    for (const key of ["bytesSent", "bytesReceived", "messagesWritten", "connectionsInitiated"]) {
      assert.equal(merged.counters.run[key], sum(docs, (d) => d.counters.run[key]), key);
    }
    assert.equal(merged.counters.end.connectionsOpenOut, 12);
    assert.equal(merged.asked.connections, 12);
    assert.equal(merged.parts.length, 3);
    for (const kind of ["message", "corrected"] as const) {
      const expected = addedHistograms(docs, kind);
      assert.deepEqual(
        bucketCounts(merged.report.latency[kind].histogram),
        bucketCounts(expected),
        kind,
      );
      assert.equal(
        merged.report.latency[kind].count,
        sum(docs, (d) => d.report.latency[kind].count),
      );
    }
    // tcpkali's lines for the whole, percentiles of the merged histogram.
    assert.deepEqual(merge.stdout.trimEnd().split("\n"), merged.report.text);
    const message = addedHistograms(docs, "message");
    const shown = [95, 99, 99.5].map((p) => message.percentileMs(p).toFixed(1)).join("/");
    assert.match(
      merge.stdout,
      new RegExp(`^Message latency at percentiles: ${shown} ms \\(95/99/99.5%\\)$`, "m"),
    );
    assert.match(merge.stdout, /^Total data sent: +.* \((\d+) bytes\)$/m);
    assert.equal(
      Number(/Total data sent: .*\((\d+) bytes\)/.exec(merge.stdout)![1]),
      merged.report.bytesSent,
    );
    assert.equal(merged.report.bytesSent, sum(docs, (d) => d.report.bytesSent));
    assert.ok(Deno.readTextFileSync(`${dir}/merged.hlog`).includes("Tag=corrected,"));
  } finally {
    await redis.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("merge reads a stream of --json - runs from stdin, text between them skipped", async () => {
  const logs = await Promise.all([0, 1].map(async () => {
    const port = freePort();
    const run = await runKali([
      "-l",
      String(port),
      `127.0.0.1:${port}`,
      "-m",
      "hi",
      "-r",
      "50",
      "--latency-connect",
      "-T",
      "1.5",
      "--json",
      "-",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^Total data sent:/m, "the report goes to stderr");
    assert.ok(run.stdout.startsWith("{"), "stdout is the result");
    return { stream: run.stderr + run.stdout, doc: JSON.parse(run.stdout) };
  }));
  const merge = await runWithStdin(
    ["merge", "-", "--json", "-"],
    logs.map((l) => l.stream).join(""),
  );
  assert.equal(merge.code, 0, merge.stderr);
  const merged = JSON.parse(merge.stdout);
  assert.equal(merged.parts.length, 2);
  assert.equal(merged.report.latency.connect.count, 2);
  assert.equal(merged.counters.run.bytesSent, sum(logs, (l) => l.doc.counters.run.bytesSent));
  assert.match(merge.stderr, /^TCP connect latency at percentiles: /m);
});

Deno.test("merge refuses results of another rate in one line, and warns of runs apart in time", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const port = freePort();
    const run = (rate: string, file: string) =>
      runKali([
        "-l",
        String(port),
        `127.0.0.1:${port}`,
        "-m",
        "hi",
        "-r",
        rate,
        "-T",
        "0.5",
        "--json",
        file,
      ]);
    assert.equal((await run("10", `${dir}/a.json`)).code, 0);
    assert.equal((await run("20", `${dir}/b.json`)).code, 0);
    const refused = await runKali(["merge", `${dir}/a.json`, `${dir}/b.json`]);
    assert.equal(refused.code, 65);
    assert.equal(refused.stdout, "");
    assert.equal(
      refused.stderr,
      `kali merge: ${dir}/b.json has a rate of 20 messages/s per connection, ${dir}/a.json has 10 messages/s per connection: results of different loads do not add up\n`,
    );
    // The same load an hour later: merged, with a warning.
    const later = JSON.parse(Deno.readTextFileSync(`${dir}/a.json`));
    const shift = (iso: string | null) => iso && new Date(Date.parse(iso) + 3600_000).toISOString();
    later.startedAt = shift(later.startedAt);
    later.counters.run.since = shift(later.counters.run.since);
    later.counters.steady.since = shift(later.counters.steady.since);
    Deno.writeTextFileSync(`${dir}/later.json`, JSON.stringify(later));
    const apart = await runKali(["merge", `${dir}/a.json`, `${dir}/later.json`]);
    assert.equal(apart.code, 0, apart.stderr);
    assert.match(
      apart.stderr,
      /^kali merge: WARNING: .*a\.json, .*later\.json overlap no other result in time/,
    );
    const old = { ...later, kali: { ...later.kali, format: 1 } };
    Deno.writeTextFileSync(`${dir}/old.json`, JSON.stringify(old));
    const format = await runKali(["merge", `${dir}/a.json`, `${dir}/old.json`]);
    assert.equal(format.code, 65);
    assert.equal(format.stderr, `${dir}/old.json: result format 1; this kali reads format 2\n`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
