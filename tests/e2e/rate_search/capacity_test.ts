/**
 * `-r @<Latency>` against a peer of known capacity (answers at once below
 * R requests/s, queues above): the search reports R within 15% in under
 * 30 s, prints each probe on stderr, and puts the probe table in the JSON;
 * out of -T it reports the best rate that met the bound and exits 1.
 */
import assert from "node:assert/strict";
import { type Schema, validate } from "../../_helpers/json_schema.ts";
import { CapacityServer } from "../../_helpers/capacity_server.ts";
import { runKali } from "../../_helpers/kali.ts";

const schema: Schema = JSON.parse(
  Deno.readTextFileSync(new URL("../../../docs/kali-result.schema.json", import.meta.url)),
);

const SEARCH = ["-em", "PING\\n", "--latency-marker", "PONG", "-r", "@50ms"];

for (const capacity of [300, 30000]) {
  Deno.test(`the search finds a capacity of ${capacity} requests/s within 15%`, async () => {
    const server = new CapacityServer(capacity);
    const json = await Deno.makeTempFile({ suffix: ".json" });
    try {
      const started = performance.now();
      const run = await runKali([...SEARCH, "--json", json, `127.0.0.1:${server.port}`], {
        timeoutMs: 60000,
      });
      const seconds = (performance.now() - started) / 1000;
      assert.equal(run.code, 0, run.stderr);
      const found = /^Best --message-rate for latency 50ms⁹⁵ᵖ is ([\d.]+)$/m.exec(run.stdout);
      assert.ok(found, run.stdout);
      const rate = Number(found[1]);
      assert.ok(Math.abs(rate / capacity - 1) <= 0.15, `found ${rate}\n${run.stderr}`);
      assert.ok(seconds < 30, `${seconds.toFixed(1)} s\n${run.stderr}`);
      // Each probe: its rate, the measured percentile and the verdict.
      const probes = run.stderr.match(
        /^--message-rate [\d.]+: [\d.]+ ms⁹⁵ᵖ \(\d+ answers in [\d.]+ s\) (meets|misses) 50ms/gm,
      );
      assert.ok(probes && probes.length >= 4, run.stderr);
      assert.match(
        run.stdout,
        new RegExp(
          `^Rate search: best --message-rate ${
            found[1]
          } \\([\\d.]+ ms⁹⁵ᵖ under 50ms\\), ${probes.length} probes$`,
          "m",
        ),
      );
      const result = JSON.parse(await Deno.readTextFile(json));
      assert.deepEqual(validate(result, schema), []);
      assert.equal(result.rateSearch.outcome, "found");
      const best = result.rateSearch.best.rate;
      assert.ok(Math.abs(best / rate - 1) < 1e-5, `${best} printed as ${rate}`);
      assert.equal(result.rateSearch.probes.length, probes.length);
      assert.ok(
        result.rateSearch.probes.every((p: { met: boolean; rate: number }) =>
          p.met === p.rate <= best
        ),
      );
      // The file keeps the search: kali report prints its line again, kali merge
      // the part's own (a search does not add up), labelled by the run's host.
      const line = /^Rate search: .*$/m.exec(run.stdout)![0];
      const report = await runKali(["report", json]);
      assert.ok(report.stdout.split("\n").includes(line), report.stdout);
      const merge = await runKali(["merge", json]);
      const labelled = line.replace("Rate search:", `Rate search (${result.host ?? "run 1"}):`);
      assert.ok(merge.stdout.split("\n").includes(labelled), merge.stdout);
    } finally {
      server.close();
      await Deno.remove(json);
    }
  });
}

Deno.test("out of -T, the search reports the best rate that met the bound and exits 1", async () => {
  const server = new CapacityServer(30000);
  try {
    const run = await runKali([...SEARCH, "-T", "4", `127.0.0.1:${server.port}`]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /^Failed to find the best --message-rate for latency 50ms in -T4 seconds$/m,
    );
    const best = /^Rate search: best --message-rate ([\d.]+) .*\(search unfinished\)$/m.exec(
      run.stdout,
    );
    assert.ok(best, run.stdout);
    // 4 s hold the probes at 100, 400 and maybe 1600 msg/s: all met the bound.
    assert.ok([400, 1600].includes(Number(best[1])), best[0]);
  } finally {
    server.close();
  }
});
