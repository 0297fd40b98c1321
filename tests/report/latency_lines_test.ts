import assert from "node:assert/strict";
import { DEFAULT_PERCENTILES, parsePercentiles } from "../../src/cli/percentiles.ts";
import { formatFixed } from "../../src/shared/format.ts";
import {
  latencyReportLine,
  latencyReportLines,
  liveLatencyGroup,
} from "../../src/report/latency_lines.ts";
import { workerLatencySummary } from "../../src/stats/latency_table.ts";
import { LatencyHistogram } from "../../src/stats/histogram.ts";
import { loadHistogramLibrary } from "../../src/stats/hdr_library.ts";

await loadHistogramLibrary();

function filled(samples: number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const s of samples) histogram.record(s);
  return histogram;
}

const repeat = (value: number, times: number) => Array.from({ length: times }, () => value);

Deno.test("formatFixed matches C printf (values from Python's %-formatting)", () => {
  const cases: [number, number, string][] = [
    [0.25, 1, "0.2"],
    [0.35, 1, "0.3"],
    [0.75, 1, "0.8"],
    [0.05, 1, "0.1"],
    [0.15, 1, "0.1"],
    [100.95, 1, "101.0"],
    [1.25, 1, "1.2"],
    [0.45, 1, "0.5"],
    [12.25, 1, "12.2"],
    [3.75, 1, "3.8"],
    [2.5, 0, "2"],
    [3.5, 0, "4"],
    [0.5, 0, "0"],
    [1.5, 0, "2"],
    [1.005, 2, "1.00"],
    [0.125, 2, "0.12"],
    [0.375, 2, "0.38"],
    [2.675, 2, "2.67"],
    [0, 1, "0.0"],
  ];
  for (const [x, digits, expected] of cases) assert.equal(formatFixed(x, digits), expected, `${x}`);
});

Deno.test("report lines as in the captured latency run (6.6)", () => {
  const percentiles = parsePercentiles("50,90,99.9");
  // 50th: 5th of 10 samples; 90th: 9th; 99.9th: 10th.
  const connect = filled([...repeat(150, 5), ...repeat(350, 5)]);
  const firstByte = filled([...repeat(20_750, 5), ...repeat(21_050, 5)]);
  const message = filled([...repeat(120, 5), ...repeat(250, 4), 1_650]);
  assert.deepEqual(latencyReportLines({ connect, firstbyte: firstByte, message }, percentiles), [
    "TCP connect latency at percentiles: 0.1/0.3/0.3 ms (50/90/99.9%)",
    "First byte latency at percentiles: 20.7/21.0/21.0 ms (50/90/99.9%)",
    "Message latency at percentiles: 0.1/0.2/1.6 ms (50/90/99.9%)",
  ]);
});

Deno.test("only enabled kinds are listed, in tcpkali's order; labels as typed", () => {
  const message = filled([400, 500, 520]);
  const connect = filled([]);
  assert.deepEqual(latencyReportLines({ message, connect }, DEFAULT_PERCENTILES), [
    "TCP connect latency at percentiles: 0.0/0.0/0.0 ms (95/99/99.5%)",
    "Message latency at percentiles: 0.5/0.5/0.5 ms (95/99/99.5%)",
  ]);
  assert.equal(
    latencyReportLine("message", message, parsePercentiles("50.0/+90")),
    "Message latency at percentiles: 0.5/0.5 ms (50.0/90%)",
  );
});

Deno.test("live-line group: 95th percentile per kind, ? when empty", () => {
  assert.equal(
    liveLatencyGroup({
      connect: filled([100]),
      firstbyte: filled([10_900]),
      message: filled([200]),
    }),
    " (c=0.1 fb=10.9 m=0.2 ms⁹⁵ᵖ)",
  );
  assert.equal(liveLatencyGroup({ message: filled([600, 650]) }), " (m=0.6 ms⁹⁵ᵖ)");
  assert.equal(
    liveLatencyGroup({ connect: filled([100]), message: new LatencyHistogram() }),
    " (c=0.1 m=? ms⁹⁵ᵖ)",
  );
  assert.equal(liveLatencyGroup({}), "");
});

Deno.test("-vv worker exit summary (10.2 capture)", () => {
  assert.deepEqual(workerLatencySummary("connect", filled([100])), [
    "  Connect latency:",
    "    0.1 latency_95_ms",
    "    0.1 latency_99_ms",
    "    0.1 latency_99_5_ms",
    "    0.1 latency_mean_ms",
    "    0.1 latency_max_ms",
  ]);
  // 50 messages: 95th is the 48th (0.1 ms); 99th/99.5th the 50th (0.4 ms).
  const marker = filled([...repeat(100, 49), 400]);
  assert.deepEqual(workerLatencySummary("message", marker), [
    "  Marker latency:",
    "    0.1 latency_95_ms",
    "    0.4 latency_99_ms",
    "    0.4 latency_99_5_ms",
    "    0.1 latency_mean_ms",
    "    0.4 latency_max_ms",
  ]);
});
