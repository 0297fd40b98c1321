/**
 * Write cadence under -r, as tcpkali 1.2.0 shows it: the allowance is paid
 * out on a 1 ms timer, each write carrying the whole messages owed since
 * the last one. Counted from `--dump-all` lines of a `-mABC` self-loop.
 */
import assert from "node:assert/strict";
import { freePort, runKali } from "../../_helpers/kali.ts";

const MESSAGE = "ABC";

/** Messages per dumped write (`Snd`) or read (`Rcv`), in order. */
interface Cadence {
  writes: number[];
  reads: number[];
}

async function cadence(...args: string[]): Promise<Cadence> {
  const port = freePort();
  const run = await runKali([
    "-l",
    String(port),
    `127.0.0.1:${port}`,
    "-m",
    MESSAGE,
    "-T1",
    "--dump-all",
    ...args,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const sizes = (direction: string) =>
    [...run.stderr.matchAll(new RegExp(`^${direction}\\(\\d+, (\\d+)\\)`, "gm"))].map((m) => {
      const bytes = Number(m[1]);
      assert.equal(bytes % MESSAGE.length, 0, `${direction} of ${bytes} bytes splits a message`);
      return bytes / MESSAGE.length;
    });
  const found = { writes: sizes("Snd"), reads: sizes("Rcv") };
  assert.ok(found.writes.length > 0 && found.reads.length > 0, run.stderr.slice(0, 2000));
  return found;
}

/** The share of `counts` that `test` accepts. */
function share(counts: number[], test: (messages: number) => boolean): number {
  return counts.filter(test).length / counts.length;
}

function histogram(counts: number[]): string {
  const by = new Map<number, number>();
  for (const n of counts) by.set(n, (by.get(n) ?? 0) + 1);
  return [...by].sort((a, b) => a[0] - b[0]).map(([n, c]) => `${n}×${c}`).join(" ");
}

Deno.test("-r20: every write is one message", async () => {
  const { writes } = await cadence("-r20");
  assert.ok(writes.length >= 18, histogram(writes));
  assert.ok(writes.every((n) => n === 1), histogram(writes));
});

Deno.test("-r2k: writes of two messages; almost never one, almost always at most four", async () => {
  const { writes } = await cadence("-r2k");
  const seen = histogram(writes);
  assert.ok(share(writes, (n) => n === 1) < 0.02, `single-message writes: ${seen}`);
  assert.ok(share(writes, (n) => n <= 4) > 0.95, `writes of at most 4: ${seen}`);
  assert.ok(share(writes, (n) => n === 2) > 0.5, `two-message writes: ${seen}`);
});

Deno.test("-r3k: over 90% of writes are at most four messages", async () => {
  const { writes } = await cadence("-r3k");
  assert.ok(share(writes, (n) => n <= 4) > 0.9, histogram(writes));
});

Deno.test("-r15k: under 10% of writes are two messages or fewer", async () => {
  const { writes } = await cadence("-r15k");
  assert.ok(share(writes, (n) => n <= 2) < 0.1, histogram(writes));
});

Deno.test("-r20k -w1: writes and the listener's reads carry many messages", async () => {
  const { writes, reads } = await cadence("-r20k", "-w1");
  assert.ok(share(writes, (n) => n <= 4) < 0.1, `writes: ${histogram(writes)}`);
  assert.ok(share(reads, (n) => n === 1) < 0.1, `reads: ${histogram(reads)}`);
});

Deno.test("--write-combine=off: one message per write", async () => {
  const fast = await cadence("-r20k", "--write-combine=off");
  assert.ok(fast.writes.every((n) => n === 1), histogram(fast.writes));
  assert.ok(fast.writes.length > 10000, `only ${fast.writes.length} writes at -r20k`);
  const slow = await cadence("-r3k", "--write-combine=off");
  assert.ok(share(slow.writes, (n) => n <= 4) > 0.9, histogram(slow.writes));
});
