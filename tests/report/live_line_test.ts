import assert from "node:assert/strict";
import { trafficLine } from "../../src/report/live_line.ts";
import { C, newCounters } from "../../src/stats/counters.ts";

function counters(): Float64Array {
  const c = newCounters();
  c[C.openOut] = 20;
  c[C.initiated] = 21;
  return c;
}

const traffic = { mbpsIn: 1.5, mbpsOut: 2, progress: 0.5, utf8: false, latency: "" };

Deno.test("the steady line: traffic and connections, as tcpkali draws it", () => {
  assert.equal(
    trafficLine({ ...traffic, counters: counters() }),
    "Traffic 1.500↓, 2.000↑ Mbps (conns 0↓ 20↑ 0⇡; seen 21)",
  );
});

Deno.test("with --stage the line ends with the stage running", () => {
  assert.equal(
    trafficLine({ ...traffic, counters: counters(), stage: { index: 1, count: 4 } }),
    "Traffic 1.500↓, 2.000↑ Mbps (conns 0↓ 20↑ 0⇡; seen 21) [stage 2/4]",
  );
});
