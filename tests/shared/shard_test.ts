import assert from "node:assert/strict";
import { shardRate, shardShare, shardUid } from "../../src/shared/shard.ts";

const shardsOf = (count: number) => Array.from({ length: count }, (_, index) => ({ index, count }));

Deno.test("connection shares add up exactly and differ by at most one (c 0..600, N 1..64)", () => {
  for (let count = 1; count <= 64; count++) {
    for (let c = 0; c <= 600; c++) {
      const shares = shardsOf(count).map((shard) => shardShare(c, shard));
      assert.equal(shares.reduce((a, b) => a + b, 0), c, `c=${c} N=${count}`);
      assert.ok(Math.max(...shares) - Math.min(...shares) <= 1, `c=${c} N=${count}: ${shares}`);
      assert.ok(shares.every((s) => Number.isInteger(s) && s >= 0));
    }
  }
});

Deno.test("large connection counts split exactly too", () => {
  for (const c of [10000, 65535, 1000000, 999999937]) {
    for (const count of [2, 3, 7, 63, 64]) {
      const shares = shardsOf(count).map((shard) => shardShare(c, shard));
      assert.equal(shares.reduce((a, b) => a + b, 0), c);
      assert.ok(Math.max(...shares) - Math.min(...shares) <= 1);
    }
  }
});

Deno.test("connect-rate shares add up to the rate and ramp every shard over the same time", () => {
  for (let count = 1; count <= 64; count++) {
    for (const c of [0, 1, 5, 63, 64, 65, 100, 1000, 9999]) {
      for (const rate of [0.25, 1, 100, 333.3, 20000]) {
        const rates = shardsOf(count).map((shard) => shardRate(rate, c, shard));
        const sum = rates.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - rate) <= rate * 1e-12, `c=${c} N=${count} rate=${rate}: ${sum}`);
        shardsOf(count).forEach((shard, i) => {
          const mine = shardShare(c, shard);
          // One connection's worth of the rate at most between shards.
          if (c > 0) assert.ok(Math.abs(rates[i] - (rate * mine) / c) <= rate * 1e-12);
          if (mine > 0) {
            const seconds = mine / rates[i];
            assert.ok(Math.abs(seconds - c / rate) <= (c / rate) * 1e-12);
          }
        });
      }
    }
  }
});

Deno.test("uids: unsharded is 1, 2, 3, ...", () => {
  assert.deepEqual([0, 1, 2, 9].map((k) => shardUid(k, null)), [1, 2, 3, 10]);
  assert.deepEqual([0, 1, 2, 9].map((k) => shardUid(k, { index: 0, count: 1 })), [1, 2, 3, 10]);
});

Deno.test("uids: the shards' first connections are exactly the unsharded 1..c, disjoint", () => {
  for (let count = 1; count <= 64; count++) {
    for (let c = 0; c <= 300; c++) {
      const seen = new Set<number>();
      for (const shard of shardsOf(count)) {
        for (let k = 0; k < shardShare(c, shard); k++) {
          const uid = shardUid(k, shard);
          assert.ok(!seen.has(uid), `c=${c} N=${count}: uid ${uid} twice`);
          seen.add(uid);
        }
      }
      assert.equal(seen.size, c);
      for (let uid = 1; uid <= c; uid++) assert.ok(seen.has(uid), `c=${c} N=${count}: no ${uid}`);
    }
  }
});

Deno.test("uids: re-opened connections stay disjoint across shards", () => {
  for (const count of [2, 3, 10, 64]) {
    const seen = new Map<number, number>();
    for (const shard of shardsOf(count)) {
      for (let k = 0; k < 500; k++) {
        const uid = shardUid(k, shard);
        assert.equal(seen.get(uid), undefined, `N=${count}: uid ${uid} of shard ${shard.index}`);
        seen.set(uid, shard.index);
      }
    }
    // Together they use 1..500N without a gap.
    assert.equal(Math.max(...seen.keys()), 500 * count);
  }
});

Deno.test("uids keep modulo spreads: \\{connection.uid%10} covers the same resources", () => {
  const c = 1000;
  const whole = new Map<number, number>();
  for (let k = 0; k < c; k++) {
    whole.set(shardUid(k, null) % 10, (whole.get(shardUid(k, null) % 10) ?? 0) + 1);
  }
  const sharded = new Map<number, number>();
  for (const shard of shardsOf(7)) {
    for (let k = 0; k < shardShare(c, shard); k++) {
      const r = shardUid(k, shard) % 10;
      sharded.set(r, (sharded.get(r) ?? 0) + 1);
    }
  }
  assert.deepEqual([...sharded].sort(), [...whole].sort());
});
