/**
 * `--hdr-log FILE` on real runs: hdr-histogram-js's own log reader reads
 * it, one tagged interval per second and measured kind, and the union of a
 * tag's intervals is the run's final histogram of that kind (from
 * `--json`), count for count. The log is written as the run goes: a
 * killed run leaves its finished intervals readable.
 */
import assert from "node:assert/strict";
import {
  encodeIntoCompressedBase64,
  HistogramLogReader,
  Int32Histogram,
  type JsHistogram,
  listTags,
} from "hdr-histogram-js";
import { freePort, runKali, spawnKali } from "../../_helpers/kali.ts";
import { startRedis } from "../../_helpers/peers.ts";
import { bucketCounts } from "../../_helpers/results.ts";
import type { ResultDocument } from "../../../src/stats/result_document.ts";
import type { MeasuredKind } from "../../../src/stats/latency_kinds.ts";
import type { SeriesPoint } from "../../../src/stats/series.ts";

interface Interval {
  tag: string;
  startMs: number;
  endMs: number;
  count: number;
}

/** Reads a log with the library's reader: every interval, and each tag's union. */
function readLog(text: string): { intervals: Interval[]; unions: Map<string, string> } {
  const reader = new HistogramLogReader(text);
  const intervals: Interval[] = [];
  const unions = new Map<string, Int32Histogram>();
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
    intervals.push({
      tag: h.tag,
      startMs: h.startTimeStampMsec,
      endMs: h.endTimeStampMsec,
      count: h.totalCount,
    });
    if (!unions.has(h.tag)) unions.set(h.tag, new Int32Histogram(1, 100_000_000, 3));
    unions.get(h.tag)!.add(h as JsHistogram);
  }
  const encoded = new Map([...unions].map(([tag, h]) => [tag, encodeIntoCompressedBase64(h)]));
  return { intervals, unions: encoded };
}

/** Runs kali with `--json` and `--hdr-log`; returns both files. */
async function runWithLog(args: string[]) {
  const dir = Deno.makeTempDirSync();
  try {
    const run = await runKali([...args, "--json", `${dir}/r.json`, "--hdr-log", `${dir}/r.hlog`]);
    assert.equal(run.code, 0, run.stderr);
    return {
      result: JSON.parse(Deno.readTextFileSync(`${dir}/r.json`)),
      log: Deno.readTextFileSync(`${dir}/r.hlog`),
    };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Checks the log against the result: tags, one interval a second, unions equal finals. */
function checkLog(
  log: string,
  result: ResultDocument,
  tags: Record<string, MeasuredKind>,
): void {
  assert.match(log, /^#\[Histogram log format version 1\.3\]$/m);
  assert.match(
    log,
    /^"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"$/m,
  );
  assert.deepEqual(listTags(log).sort(), Object.keys(tags).sort());
  const { intervals, unions } = readLog(log);
  const start = Date.parse(result.startedAt!);
  for (const [tag, kind] of Object.entries(tags)) {
    const mine = intervals.filter((i) => i.tag === tag);
    assert.equal(mine.length, result.series.length, `${tag}: one interval per series point`);
    mine.forEach((interval, n) => {
      const point = result.series[n];
      assert.ok(
        Math.abs(interval.endMs - (start + point.t * 1000)) < 2,
        `${tag} interval ${n} ends at its point`,
      );
      if (n < mine.length - 1) assert.ok(Math.abs(interval.endMs - interval.startMs - 1000) < 150);
      assert.equal(interval.count, point.latency?.[kind]?.count ?? 0);
    });
    const final = result.report.latency[kind]!;
    assert.ok(final.count > 0, `${kind}: no samples`);
    assert.deepEqual(
      bucketCounts(unions.get(tag)!),
      bucketCounts(final.histogram),
      `${tag}: union = final`,
    );
  }
}

Deno.test("self-loop: connect and first-byte intervals add up to the final histograms", async () => {
  const port = freePort();
  const { result, log } = await runWithLog([
    "-l",
    String(port),
    `127.0.0.1:${port}`,
    "-c",
    "40",
    "--connect-rate",
    "40",
    "-m",
    "hello",
    "-r",
    "20",
    "--latency-connect",
    "--latency-first-byte",
    "-T",
    "2.5",
  ]);
  checkLog(log, result, { connect: "connect", "first-byte": "firstbyte" });
  // Connections opened at 40/s: connect samples in more than one interval.
  assert.ok(result.series.filter((p: SeriesPoint) => p.latency?.connect).length >= 2);
});

Deno.test("redis-server: message and corrected intervals add up to the final histograms", async () => {
  const redis = await startRedis();
  try {
    const { result, log } = await runWithLog([
      "-c",
      "5",
      "-em",
      "PING\\r\\n",
      "--latency-marker",
      "PONG",
      "-r",
      "200",
      "-T",
      "2.5",
      `127.0.0.1:${redis.port}`,
    ]);
    checkLog(log, result, { message: "message", corrected: "corrected" });
  } finally {
    await redis.stop();
  }
});

Deno.test("marker mode tags its message intervals message-marker", async () => {
  const port = freePort();
  const { result, log } = await runWithLog([
    "-l",
    String(port),
    "--listen-mode=active",
    `127.0.0.1:${port}`,
    "-c",
    "2",
    "--message-marker",
    "-m",
    "x\\{message.marker}",
    "-r",
    "50",
    "-T",
    "1.5",
  ]);
  checkLog(log, result, { "message-marker": "message" });
});

Deno.test("a killed run leaves its finished intervals readable", async () => {
  const dir = Deno.makeTempDirSync();
  const port = freePort();
  const file = `${dir}/r.hlog`;
  const child = spawnKali(
    [
      "-l",
      String(port),
      `127.0.0.1:${port}`,
      "-c",
      "5",
      "--latency-connect",
      "-T",
      "30",
      "--hdr-log",
      file,
    ],
    { quiet: true },
  );
  try {
    const deadline = Date.now() + 20000;
    let lines = 0;
    while (lines < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const text = await Deno.readTextFile(file).catch(() => ""); // not created yet
      lines = text.split("\n").filter((l) => l.startsWith("Tag=")).length;
    }
    child.kill("SIGKILL");
    await child.status;
    const { intervals, unions } = readLog(Deno.readTextFileSync(file));
    assert.ok(intervals.length >= 3, `${intervals.length} intervals`);
    assert.equal(bucketCounts(unions.get("connect")!).size > 0, true);
    assert.equal(
      intervals.reduce((n, i) => n + i.count, 0),
      5,
      "every connect sample in a finished interval",
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--hdr-log without a latency measurement is a usage error before any traffic", async () => {
  const port = freePort();
  const run = await runKali(["-l", String(port), `127.0.0.1:${port}`, "--hdr-log", "/dev/null"]);
  assert.equal(run.code, 64);
  assert.match(run.stderr, /^--hdr-log: no latency is measured \(add --latency-connect/m);
  assert.equal(run.stdout, "");
});

Deno.test("--hdr-log and --html paths that cannot be written stop the run before any traffic", async () => {
  const port = freePort();
  const base = ["-l", String(port), `127.0.0.1:${port}`, "--latency-connect", "-T", "1"];
  for (const option of ["--hdr-log", "--html"]) {
    const file = "/nonexistent-dir/out";
    const run = await runKali([...base, option, file]);
    assert.equal(run.code, 73, run.stderr);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      new RegExp(
        `^kali: cannot write the ${option} .* to "${file}": No such file or directory$`,
        "m",
      ),
    );
    assert.doesNotMatch(run.stderr, /Ramped up/);
  }
});
