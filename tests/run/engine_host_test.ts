import assert from "node:assert/strict";
import { buildPlan } from "../../src/cli/build_plan.ts";
import { parseArgs } from "../../src/cli/options.ts";
import { enginesInMain, LIGHT_MESSAGES_PER_SECOND } from "../../src/run/engine_host.ts";

async function inMain(engines: number, ...argv: string[]): Promise<number> {
  const outcome = parseArgs(["--connect-rate", "100k", ...argv]);
  if (outcome.kind !== "run") throw new Error("not a run");
  const plan = await buildPlan(outcome.options, { say: () => {} });
  return enginesInMain(plan, engines);
}

Deno.test("idle clients share the main thread: no repeated message to write", async () => {
  assert.equal(await inMain(2, "-c", "8000", "127.0.0.1:9"), 2);
  assert.equal(await inMain(2, "-c", "100", "-1", "hello", "127.0.0.1:9"), 2);
  assert.equal(await inMain(2, "-c", "100", "--ws", "127.0.0.1:9"), 2);
});

Deno.test("paced clients share it up to the light message rate, in all connections", async () => {
  const atLimit = String(LIGHT_MESSAGES_PER_SECOND / 4000);
  assert.equal(await inMain(2, "-c", "4000", "-r", atLimit, "-m", "x", "127.0.0.1:9"), 2);
  const over = String(LIGHT_MESSAGES_PER_SECOND / 4000 + 1);
  assert.equal(await inMain(2, "-c", "4000", "-r", over, "-m", "x", "127.0.0.1:9"), 1);
});

Deno.test("unpaced senders, listeners, rate searches and -w keep a thread per engine", async () => {
  assert.equal(await inMain(2, "-c", "2", "-m", "x", "127.0.0.1:9"), 1);
  assert.equal(await inMain(2, "-c", "2", "-l", "65000", "127.0.0.1:9"), 1);
  assert.equal(
    await inMain(2, "-c", "2", "-r", "@5ms", "-m", "x", "--latency-marker", "x", "127.0.0.1:9"),
    1,
  );
  assert.equal(await inMain(2, "-w", "2", "-c", "8000", "127.0.0.1:9"), 1);
  assert.equal(
    await inMain(2, "-c", "2", "--channel-bandwidth-upstream", "1kbps", "-m", "x", "127.0.0.1:9"),
    1,
  );
});
