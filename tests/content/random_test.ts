import assert from "node:assert/strict";
import { Random } from "../../src/content/random.ts";

Deno.test("index: every value in [0, n), each about equally often", () => {
  const random = new Random(5);
  for (const n of [1, 2, 3, 26, 100, 255, 256, 1000]) {
    const counts = new Array(n).fill(0);
    const draws = n * 400;
    for (let i = 0; i < draws; i++) {
      const value = random.index(n);
      assert.ok(Number.isInteger(value) && value >= 0 && value < n, `${value} of ${n}`);
      counts[value]++;
    }
    // Each count is binomial(draws, 1/n): 400 ± 20 (σ); 6σ bounds never fail by chance.
    for (const count of counts) assert.ok(Math.abs(count - 400) <= 120, `n=${n}: ${count}`);
  }
});

Deno.test("index: the largest range, 65536, reaches both ends", () => {
  const random = new Random(9);
  let low = false;
  let high = false;
  for (let i = 0; i < 2_000_000 && !(low && high); i++) {
    const value = random.index(65536);
    assert.ok(value >= 0 && value < 65536);
    if (value < 16) low = true;
    if (value >= 65520) high = true;
  }
  assert.ok(low && high);
});

Deno.test("a fixed seed repeats its sequence; different seeds differ", () => {
  const draw = (seed: number) =>
    Array.from({ length: 32 }, ((r) => () => r.index(1000))(new Random(seed)));
  assert.deepEqual(draw(3), draw(3));
  assert.notDeepEqual(draw(3), draw(4));
});

Deno.test("pick: runs of members, each about equally often, every count honoured", () => {
  const random = new Random(6);
  for (const size of [1, 3, 26, 200, 256]) {
    const members = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) % 256);
    const allowed = new Set(members);
    const counts = new Map<number, number>();
    const target = new Uint8Array(size * 400 + 2).fill(0xee);
    // Odd and even counts, so a step's second half is sometimes left unused.
    let at = 1;
    while (at < target.length - 1) {
      const count = Math.min(1 + (at % 7), target.length - 1 - at);
      random.pick(members, target, at, count);
      at += count;
    }
    assert.equal(target[0], 0xee, "nothing written before `at`");
    assert.equal(target[target.length - 1], 0xee, "nothing written past `at + count`");
    for (const byte of target.subarray(1, target.length - 1)) {
      assert.ok(allowed.has(byte), `${byte} is no member`);
      counts.set(byte, (counts.get(byte) ?? 0) + 1);
    }
    assert.equal(counts.size, size, `all ${size} members drawn`);
    for (const count of counts.values()) {
      assert.ok(Math.abs(count - 400) <= 120, `${size}: ${count}`);
    }
  }
});
