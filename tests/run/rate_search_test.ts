import assert from "node:assert/strict";
import { rateProbeLine } from "../../src/report/progress.ts";
import { type ProbeReading, RateSearch } from "../../src/run/rate_search.ts";
import type { ProbeRecord } from "../../src/stats/result.ts";

/**
 * A simulated peer of one connection: answers at once below `capacity`
 * msg/s; above it, requests queue and their latency grows by
 * (rate − capacity) / capacity seconds per second. `sendShare`: the part
 * of the asked rate the sender manages.
 */
class SimulatedPeer {
  constructor(readonly capacity: number, readonly sendShare = 1, readonly baseMs = 0.5) {}

  reading(rate: number, seconds: number, draining: boolean): ProbeReading {
    const sent = rate * this.sendShare;
    const growth = Math.max(0, (sent - this.capacity) / this.capacity);
    const maxMs = this.baseMs + growth * seconds * 1000;
    return {
      samples: Math.floor(Math.min(sent, this.capacity) * seconds),
      // Latencies grow linearly over the probe: the p-th percentile lies p% up.
      percentileMs: (p) => this.baseMs + (maxMs - this.baseMs) * (p / 100),
      sent: sent * seconds,
      outstanding: draining ? 0 : growth * seconds * this.capacity,
      connections: 1,
    };
  }
}

interface Outcome {
  best: ProbeRecord | null;
  probes: ProbeRecord[];
  seconds: number;
  started: string[];
}

/** Runs a search against `peer` with 50 ms ticks; gives up after `maxSeconds`. */
function search(peer: SimulatedPeer, targetMs: number, percentile = 95, maxSeconds = 120) {
  const rateSearch = new RateSearch(targetMs, percentile);
  let step = rateSearch.begin(100, 0);
  let rate = 100;
  let since = 0;
  let draining = false;
  const started = [rateProbeLine(step.kind === "probe" ? step : { rate, min: 0, max: Infinity })];
  for (let now = 50; now <= maxSeconds * 1000; now += 50) {
    step = rateSearch.tick(now, peer.reading(rate, (now - since) / 1000, draining));
    if (step.kind === "done") {
      return { best: step.best, probes: rateSearch.probes, seconds: now / 1000, started };
    }
    if (step.kind === "drain") draining = true;
    if (step.kind === "probe") {
      started.push(rateProbeLine(step));
      [rate, since, draining] = [step.rate, now, false];
    }
  }
  return { best: null, probes: rateSearch.probes, seconds: Infinity, started } as Outcome;
}

for (const capacity of [300, 30000]) {
  Deno.test(`the search finds a capacity of ${capacity} msg/s within 15% in under 30 s`, () => {
    const outcome = search(new SimulatedPeer(capacity), 20);
    assert.ok(outcome.best, JSON.stringify(outcome.probes));
    const error = outcome.best.rate / capacity - 1;
    assert.ok(Math.abs(error) <= 0.15, `found ${outcome.best.rate}`);
    assert.ok(outcome.seconds < 30, `${outcome.seconds} s`);
    // The answer is the best rate that met the bound, and every probe above it missed.
    assert.ok(outcome.probes.every((p) => p.met === p.rate <= outcome.best!.rate));
  });
}

Deno.test("the search grows fourfold, then bisects geometrically", () => {
  const { started } = search(new SimulatedPeer(1000), 20);
  assert.deepEqual(started.slice(0, 4), [
    "Attempting --message-rate 100 (in range 0..inf)",
    "Attempting --message-rate 400 (in range 100..inf)",
    "Attempting --message-rate 1600 (in range 400..inf)",
    "Attempting --message-rate 800 (in range 400..1600)",
  ]);
});

Deno.test("a probe lasts until its percentile has enough samples, a second at least", () => {
  const { probes } = search(new SimulatedPeer(30000), 20);
  // 95th percentile: 200 samples, 2 s at 100 msg/s; a second at faster rates.
  assert.ok(probes[0].samples >= 200 && probes[0].seconds >= 2, JSON.stringify(probes[0]));
  assert.ok(probes[2].seconds >= 1 && probes[2].seconds < 1.2, JSON.stringify(probes[2]));
  // The 99th needs 1000 samples: five times longer at 100 msg/s, judged at 5 s.
  const p99 = search(new SimulatedPeer(30000), 20, 99).probes[0];
  assert.ok(p99.seconds >= 5 && p99.samples >= 500, JSON.stringify(p99));
});

Deno.test("an overloaded probe ends as soon as its latency is over the bound", () => {
  const { probes } = search(new SimulatedPeer(300), 20);
  const missed = probes.filter((p) => !p.met);
  assert.ok(missed.length > 0);
  for (const probe of missed) assert.ok(probe.seconds < 1, JSON.stringify(probe));
});

Deno.test("a bound no rate meets ends the search without a best rate", () => {
  const { best, probes } = search(new SimulatedPeer(1e9, 1, 100), 20);
  assert.equal(best, null);
  assert.ok(probes.every((p) => !p.met));
  assert.ok(probes.at(-1)!.rate < 0.1, `${probes.at(-1)!.rate}`);
});

Deno.test("a sender that cannot drive the rate misses, whatever the latency", () => {
  const { best, probes } = search(new SimulatedPeer(1e9, 0.5), 20);
  assert.equal(best, null);
  assert.match(probes[0].note, /^sent only 50 msg\/s$/);
});
