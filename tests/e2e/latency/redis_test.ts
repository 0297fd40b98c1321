import assert from "node:assert/strict";
import { runKali } from "../../_helpers/kali.ts";
import { startRedis } from "../../_helpers/peers.ts";
import { markerSampleCount, monotone, percentileLine, workerSum } from "../../_helpers/report.ts";

Deno.test("redis-server: PING/PONG latency, one sample per PONG", async () => {
  const redis = await startRedis();
  try {
    const run = await runKali([
      "-T2",
      "-c20",
      "-em",
      "PING\\r\\n",
      "--latency-marker",
      "PONG",
      "-r",
      "500",
      "-vvv",
      `127.0.0.1:${redis.port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const latency = percentileLine(run.stdout, "Message latency");
    assert.ok(latency, run.stdout);
    assert.deepEqual(latency.labels, ["95", "99", "99.5"]);
    assert.ok(monotone(latency.values), latency.values.join("/"));
    const corrected = percentileLine(run.stdout, "Corrected message latency");
    assert.ok(corrected && monotone(corrected.values), run.stdout);
    // "+PONG\r\n" per answer; every answer timed once.
    const answers = workerSum(run.stderr, "worker_data_rcvd") / 7;
    assert.ok(Number.isInteger(answers), `${answers}`);
    assert.ok(answers > 20 * 500 * 1.5, `${answers} answers`);
    assert.equal(markerSampleCount(run.stderr), answers);
  } finally {
    await redis.stop();
  }
});
