import assert from "node:assert/strict";
import { percentileCurve, resultCharts } from "../../src/report/html_charts.ts";
import { htmlReport } from "../../src/report/html_report.ts";
import { LatencyHistogram } from "../../src/stats/histogram.ts";
import { pointLatency } from "../../src/stats/series.ts";
import { buildResult } from "../../src/report/json_result.ts";
import { readResult } from "../../src/stats/result_file.ts";
import { fakePoint, fakeResult, fakeStagedResult, histogramOf } from "../_helpers/results.ts";
import { loadHistogramLibrary } from "../../src/stats/hdr_library.ts";

await loadHistogramLibrary();

Deno.test("the percentile curve steps as HdrHistogram's plotter and ends at the maximum", () => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) h.record(i * 10); // 10 µs .. 10 ms
  const curve = percentileCurve(h);
  // Five steps per halving of the distance to 100%, until one step is finer than a sample.
  assert.equal(curve.x[0], 1);
  assert.ok(Math.abs(curve.x[5] - 2) < 1e-9);
  assert.ok(Math.abs(curve.x[10] - 4) < 1e-9);
  assert.ok(curve.x.at(-2)! >= 1000 && curve.x.at(-3)! < 1000);
  assert.equal(curve.ms.at(-1), 10);
  assert.ok(curve.ms.every((ms, i) => i === 0 || ms >= curve.ms[i - 1]), "monotone");
  assert.equal(curve.ms[5], h.percentileMicros(50) / 1000);
});

Deno.test("charts: traffic, then per-second percentiles and a distribution per measured kind", () => {
  const message = new LatencyHistogram();
  message.record(1500);
  const start = Date.parse("2030-01-01T00:00:00Z");
  const result = fakeResult({
    histograms: { connect: new LatencyHistogram(), message },
    series: [
      fakePoint(start, 1, { latency: pointLatency({ message }, [{ label: "95", value: 95 }]) }),
    ],
  });
  const charts = resultCharts(result);
  assert.deepEqual(charts.map((c) => c.id), [
    "bandwidth",
    "messages",
    "connections",
    "latency-message",
    "distribution-message",
  ]);
  assert.deepEqual(charts[3].series, ["p95", "p99", "max"]);
  assert.deepEqual(charts[3].data[1], [1.5]);
  // Without marker mode only sent messages are counted.
  assert.deepEqual(charts[1].series, ["sent ↑"]);
});

Deno.test("the page is self-contained: no URL to fetch, argv cannot close its script", () => {
  const result = fakeResult();
  result.setup = {
    ...result.setup,
    argv: ["-m", "</script><script>alert(1)</script>", "127.0.0.1:1"],
  };
  const page = htmlReport({ result, reason: [], reportLines: ["a"], thresholds: [] });
  assert.equal(page.match(/<\/script>/g)!.length, 3, "the chart data, uPlot and the page script");
  assert.doesNotMatch(page, /(src|href)="(https?:)?\/\//);
  assert.ok(page.includes("uPlot"), "uPlot inlined");
});

Deno.test("stages draw latency against rate, a point per stage, from a re-read file too", () => {
  const latencies = [[300, 310, 900], [1200, 1500, 2500, 40000], []];
  const staged = fakeStagedResult(latencies, [20, 400, 3]);
  const chart = resultCharts(staged).find((c) => c.id === "stages")!;
  assert.equal(chart.x, "rate");
  assert.deepEqual(chart.series, ["p95", "p99", "max"]);
  // Stage 3 answered nothing: no point. Stage 1 sent 20 in 1.002 s, stage 2 400 in 1.999 s.
  assert.deepEqual(chart.data[0], [20 / 1.002, 400 / 1.999]);
  const [low, high] = [histogramOf(latencies[0]), histogramOf(latencies[1])];
  assert.deepEqual(chart.data[1], [low.percentileMs(95), high.percentileMs(95)]);
  assert.deepEqual(chart.data[3], [0.9, 40]);
  const file = buildResult({ result: staged, reason: [], reportLines: [], thresholds: [] });
  const reread = readResult(JSON.parse(JSON.stringify(file)), "r.json").result;
  assert.deepEqual(resultCharts(reread).find((c) => c.id === "stages"), chart);
  assert.equal(resultCharts(fakeResult()).find((c) => c.id === "stages"), undefined);
});
