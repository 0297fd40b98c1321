import assert from "node:assert/strict";
import { C, newCounters } from "../../src/stats/counters.ts";
import { TrafficRates } from "../../src/stats/traffic_rates.ts";

function counters(received: number, sent: number): Float64Array {
  const c = newCounters();
  c[C.bytesReceived] = received;
  c[C.bytesSent] = sent;
  return c;
}

Deno.test("a steady byte rate converges to its megabits per second", () => {
  // 125,000 bytes per 0.25 s tick = 500,000 B/s = 4 Mbit/s in, half that out.
  const rates = new TrafficRates(counters(0, 0), 0);
  for (let tick = 1; tick <= 80; tick++) {
    rates.update(counters(125000 * tick, 62500 * tick), tick * 250);
  }
  assert.ok(Math.abs(rates.mbpsIn(20000) - 4) < 0.01, `in ${rates.mbpsIn(20000)}`);
  assert.ok(Math.abs(rates.mbpsOut(20000) - 2) < 0.01, `out ${rates.mbpsOut(20000)}`);
});

Deno.test("traffic that stops decays and reads 0 after three seconds", () => {
  const rates = new TrafficRates(counters(0, 0), 0);
  for (let tick = 1; tick <= 20; tick++) rates.update(counters(125000 * tick, 0), tick * 250);
  const busy = rates.mbpsIn(5000);
  rates.update(counters(125000 * 20, 0), 6000);
  assert.ok(rates.mbpsIn(6000) < busy, "decays once traffic stops");
  assert.equal(rates.mbpsIn(9000), 0);
});

Deno.test("the baseline's bytes are not counted as traffic", () => {
  const rates = new TrafficRates(counters(1e12, 1e12), 0);
  rates.update(counters(1e12, 1e12), 250);
  assert.equal(rates.mbpsIn(250), 0);
});
