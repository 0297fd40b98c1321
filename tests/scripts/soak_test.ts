import assert from "node:assert/strict";
import { judgeGrowth, parseSeconds, type SoakSample } from "../../scripts/soak.ts";

const MIB = 1024 * 1024;
const LIMITS = { warmupSeconds: 60, maxGrowthPercent: 10, slackBytes: 8 * MIB, maxFdGrowth: 40 };

/** Samples every 10 s for `minutes`, memory from `rss(t)`, descriptors from `fds(t)`. */
function series(minutes: number, rss: (t: number) => number, fds = (_t: number) => 8040) {
  const out: SoakSample[] = [];
  for (let t = 10; t <= minutes * 60; t += 10) out.push({ t, rss: rss(t) * MIB, fds: fds(t) });
  return out;
}

Deno.test("a sawtooth around a flat level passes; the warm-up is not judged", () => {
  const verdict = judgeGrowth(series(30, (t) => (t < 60 ? 50 : 150 + (t % 60) / 2)), LIMITS);
  assert.equal(verdict.ok, true, verdict.lines.join("\n"));
});

Deno.test("steady memory growth fails, and so do leaking descriptors", () => {
  const leak = judgeGrowth(series(30, (t) => 150 + t / 20), LIMITS); // +90 MiB over 30 min
  assert.equal(leak.ok, false);
  assert.match(leak.lines[0], /GROWS$/);
  const fds = judgeGrowth(series(30, () => 150, (t) => 8040 + Math.floor(t / 10)), LIMITS);
  assert.equal(fds.ok, false);
  assert.match(fds.lines[1], /^descriptors: \+\d+ \(limit \+40\): GROW$/);
});

Deno.test("small absolute growth is allocator noise; too few samples is no verdict", () => {
  assert.equal(judgeGrowth(series(30, (t) => 40 + t / 600), LIMITS).ok, true); // +3 MiB of 40
  assert.equal(judgeGrowth(series(1, () => 150), LIMITS).ok, false);
});

Deno.test("durations", () => {
  assert.equal(parseSeconds("90"), 90);
  assert.equal(parseSeconds("30m"), 1800);
  assert.equal(parseSeconds("1.5h"), 5400);
  assert.throws(() => parseSeconds("5x"), /bad duration/);
});
