/**
 * A staged closed-loop run's result file keeps its workload: `kali report`
 * prints the stage table and the `Closed loop:` line again, recomputed
 * from the file, and its page draws latency against rate; `kali merge` of
 * two shards of one staged run prints them for the whole, each stage's
 * histogram the sum of the shards', bucket for bucket.
 */
import assert from "node:assert/strict";
import { CHART_PIXELS, HeadlessPage } from "../../_helpers/chromium.ts";
import { type Schema, validate } from "../../_helpers/json_schema.ts";
import { freePort, runKali } from "../../_helpers/kali.ts";
import { bucketCounts } from "../../_helpers/results.ts";
import { LatencyHistogram } from "../../../src/stats/histogram.ts";
import { loadHistogramLibrary } from "../../../src/stats/hdr_library.ts";
import type { ResultDocument } from "../../../src/stats/result_document.ts";

await loadHistogramLibrary();

const schema: Schema = JSON.parse(
  Deno.readTextFileSync(new URL("../../../docs/kali-result.schema.json", import.meta.url)),
);

/** A self-loop echo run of two constant-rate stages, closed loop; `shard` e.g. `0/2`. */
function stagedRun(json: string, shard: string | null) {
  const port = freePort();
  return runKali([
    "-l",
    `127.0.0.1:${port}`,
    "--listen-mode",
    "echo",
    "-m",
    "ping",
    "--latency-marker",
    "ping",
    "--closed-loop",
    "--stage",
    "1s:c=4,r=20",
    "--stage",
    "1s:r=60",
    ...(shard ? ["--shard", shard] : []),
    "--json",
    json,
    `127.0.0.1:${port}`,
  ]);
}

/** The lines kali adds after tcpkali's report: the closed loop's, and the stage table. */
function workloadLines(stdout: string): string[] {
  const lines = stdout.trimEnd().split("\n");
  return lines.slice(lines.findIndex((l) => l.startsWith("Test duration:")) + 1);
}

function readDoc(file: string): ResultDocument {
  return JSON.parse(Deno.readTextFileSync(file));
}

Deno.test("kali report reprints a staged closed-loop run's table and draws latency against rate", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const run = await stagedRun(`${dir}/r.json`, null);
    assert.equal(run.code, 0, run.stderr);
    const added = workloadLines(run.stdout);
    assert.match(added[0], /^Closed loop: \d+ answers \([\d.]+ requests\/s\), 0 timeouts/);
    assert.match(added[1], /^Stage +Duration +Connections/);
    assert.equal(added.length, 4, run.stdout);
    const report = await runKali(["report", `${dir}/r.json`, "--html", `${dir}/r.html`]);
    assert.equal(report.code, 0, report.stderr);
    assert.equal(report.stderr, "");
    assert.equal(report.stdout, run.stdout, "the same report, recomputed from the file");
    const page = await HeadlessPage.open();
    try {
      await page.load(new URL(`file://${dir}/r.html`).href);
      const charts = await page.evaluate<{ id: string; canvases: number; coloured: number }[]>(
        CHART_PIXELS,
      );
      const stages = charts.find((c) => c.id === "stages");
      assert.ok(stages, charts.map((c) => c.id).join(" "));
      assert.ok(stages.coloured > 50, `latency against rate: ${stages.coloured} coloured pixels`);
      assert.equal(
        await page.evaluate<string>(`document.body.dataset.chartsDrawn`),
        String(charts.length),
      );
    } finally {
      await page.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("kali merge of two shards of a staged run prints the closed loop and stages of the whole", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const runs = await Promise.all(["0/2", "1/2"].map((s, i) => stagedRun(`${dir}/${i}.json`, s)));
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const docs = [0, 1].map((i) => readDoc(`${dir}/${i}.json`));
    const merge = await runKali([
      "merge",
      `${dir}/0.json`,
      `${dir}/1.json`,
      "--json",
      `${dir}/m.json`,
    ]);
    assert.equal(merge.code, 0, merge.stderr);
    const merged = readDoc(`${dir}/m.json`);
    assert.deepEqual(validate(merged, schema), []);
    const answers = docs.reduce((n, d) => n + d.closedLoop!.responses, 0);
    assert.ok(answers > 0);
    const added = workloadLines(merge.stdout);
    assert.match(added[0], new RegExp(`^Closed loop: ${answers} answers .*--in-flight 1$`));
    assert.match(added[1], /^Stage +Duration +Connections/);
    // Each shard kept 2 of the 4 connections: the whole's stages end with 4.
    const rows = added.slice(2).map((line) => line.split(/ {2,}/));
    assert.deepEqual(rows.map((r) => [r[0], r[2]]), [["1 1s:c=4,r=20", "4"], ["2 1s:r=60", "4"]]);
    merged.stages!.forEach((stage, i) => {
      const whole = new LatencyHistogram();
      for (const d of docs) whole.add(LatencyHistogram.fromBase64(d.stages![i].latency!.histogram));
      assert.deepEqual(
        bucketCounts(stage.latency!.histogram),
        bucketCounts(whole),
        `stage ${i + 1}`,
      );
      assert.equal(
        stage.counters!.messagesWritten,
        docs.reduce((n, d) => n + d.stages![i].counters!.messagesWritten, 0),
      );
    });
    // The merged file is the whole's: reported again, the same lines.
    const again = await runKali(["report", `${dir}/m.json`]);
    assert.equal(again.stdout, merge.stdout);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
