import assert from "node:assert/strict";
import { finalReport } from "../../src/report/final_report.ts";
import { byteSize, g } from "../../src/shared/format.ts";
import { C, newCounters } from "../../src/stats/counters.ts";

Deno.test("byte sizes switch units where tcpkali does", () => {
  assert.equal(byteSize(0), "0 bytes");
  assert.equal(byteSize(2047), "2047 bytes");
  assert.equal(byteSize(3010), "2.9 KiB");
  assert.equal(byteSize(524287), "512.0 KiB");
  assert.equal(byteSize(3841116642), "3663.2 MiB");
});

Deno.test("%g formatting", () => {
  assert.equal(g(2.00197), "2.00197");
  assert.equal(g(1.0063), "1.0063");
  assert.equal(g(3.000021), "3.00002");
  assert.equal(g(10), "10");
  assert.equal(g(1e-5), "1e-05");
});

Deno.test("report reproduces tcpkali's captured Run A figures", () => {
  // A tcpkali run with 2 outgoing + 2 accepted connections.
  const c = newCounters();
  c[C.bytesSent] = 3841116642;
  c[C.bytesReceived] = 3828601962;
  c[C.openIn] = 2;
  c[C.openOut] = 2;
  c[C.writes] = 3841116642 / 65535 | 0;
  c[C.reads] = 3828601962 / 16384 | 0;
  // The capture prints the duration rounded (%g); its three rates all imply 2.0019655 s.
  const lines = finalReport({
    counters: c,
    durationSeconds: 2.0019655,
    messageRate: false,
    latencyLines: [],
  });
  assert.equal(lines[0], "Total data sent:     3663.2 MiB (3841116642 bytes)");
  assert.equal(lines[1], "Total data received: 3651.2 MiB (3828601962 bytes)");
  assert.equal(lines[2], "Bandwidth per channel: 7662.189⇅ Mbps (957773.6 kBps)");
  assert.equal(lines[3], "Aggregate bandwidth: 15299.372↓, 15349.382↑ Mbps");
  assert.match(lines[4], /^Packet rate estimate: [\d.]+↓, [\d.]+↑ \(12↓, 45↑ TCP MSS\/op\)$/);
  assert.equal(lines[5], "Test duration: 2.00197 s.");
});

Deno.test("an empty run reports zeros like tcpkali's listen-only run", () => {
  const lines = finalReport({
    counters: newCounters(),
    durationSeconds: 1.00445,
    messageRate: false,
    latencyLines: [],
  });
  assert.deepEqual(lines, [
    "Total data sent:     0 bytes (0 bytes)",
    "Total data received: 0 bytes (0 bytes)",
    "Bandwidth per channel: 0.000⇅ Mbps (0.0 kBps)",
    "Aggregate bandwidth: 0.000↓, 0.000↑ Mbps",
    "Packet rate estimate: 0.0↓, 0.0↑ (0↓, 0↑ TCP MSS/op)",
    "Test duration: 1.00445 s.",
  ]);
});
