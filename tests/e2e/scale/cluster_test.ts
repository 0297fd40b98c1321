/**
 * The cluster on one machine (scripts/cluster_sim.ts): three shards in
 * their own network namespaces load a kali sink in another, start at one
 * instant, and `kali merge` adds their results up exactly. Needs root for
 * `ip netns`: skipped, saying why, where namespaces cannot be made.
 */
import assert from "node:assert/strict";
import { namespacesUnsupported } from "../../../scripts/cluster_sim.ts";

const SIM = new URL("../../../scripts/cluster_sim.ts", import.meta.url).pathname;
const unsupported = await namespacesUnsupported();
if (unsupported) {
  console.warn(`SKIPPED cluster tests: cannot make network namespaces here: ${unsupported}`);
}

const C = 30;
const RATE = 100;
// Steady counts start at the last 50 ms sample before the ramp-up ended (as tcpkali's, from a
// snapshot), so about 50 ms of ramp-up traffic is in them: 0.5% of a 10 s run.
const SECONDS = 10;
const RUN = [
  ...["-c", String(C), "--connect-rate", "300", "-r", String(RATE), "-T", String(SECONDS)],
  ...["-1", "U\\{connection.uid}.", "-m", "\\{message.marker}"],
];

/** The namespaces of the simulation run by process `pid` (others may run beside it). */
async function simNamespaces(pid: number): Promise<string[]> {
  const output = await new Deno.Command("ip", { args: ["netns", "list"] }).output();
  const names = new TextDecoder().decode(output.stdout).matchAll(/^kali-sim-(\d+)-\S+/gm);
  return [...names].filter((m) => Number(m[1]) === pid).map((m) => m[0]);
}

function sim(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SIM, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
}

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test({
  name: "three shards: merged connections, messages, latency counts, start spread and uids",
  ignore: unsupported !== null,
  fn: async () => {
    const out = Deno.makeTempDirSync({ prefix: "kali-cluster-test-" });
    try {
      const run = sim([
        "--shards",
        "3",
        "--out",
        out,
        "--server-arg",
        "--dump-all-in",
        "--",
        ...RUN,
      ]);
      const output = await run.output();
      const said = new TextDecoder().decode(output.stderr);
      assert.equal(output.code, 0, `${said}\n${Deno.readTextFileSync(`${out}/merge.stderr`)}`);
      assert.deepEqual(await simNamespaces(run.pid), [], "namespaces left behind");

      const shards: Json[] = [0, 1, 2].map((i) =>
        JSON.parse(Deno.readTextFileSync(`${out}/shard-${i}.json`))
      );
      shards.forEach((s, i) => assert.deepEqual(s.shard, { index: i, count: 3 }));
      const merged: Json = JSON.parse(Deno.readTextFileSync(`${out}/merged.json`));

      // Connections: the shards' shares (10 each) add up to -c, all open at the end.
      assert.equal(merged.asked.connections, C);
      assert.equal(merged.counters.end.connectionsOpenOut, C);

      // Messages: connections x rate x duration, within 1%. The duration is each shard's
      // measured steady phase (-T, plus however late its timer fired on a loaded machine).
      const durations = shards.map((s) => s.report.durationSeconds);
      durations.forEach((d: number) => assert.ok(d >= SECONDS && d < SECONDS + 1, `ran ${d} s`));
      const asked = durations.reduce((sum: number, d: number) => sum + (C / 3) * RATE * d, 0);
      const sent = merged.counters.steady.messagesSent;
      assert.ok(Math.abs(sent - asked) <= asked * 0.01, `${sent} messages sent, ${asked} asked`);
      assert.ok(Math.abs(sent - C * RATE * SECONDS) <= C * RATE * SECONDS * 0.05);

      // Latency: the merged histogram holds every shard's samples.
      const counts = shards.map((s) => s.report.latency.message.count);
      assert.ok(counts.every((n: number) => n > 0), `shard latency counts ${counts}`);
      assert.equal(merged.report.latency.message.count, counts.reduce((a, b) => a + b, 0));

      // One start: every shard started within 50 ms of the others.
      const starts = shards.map((s) => Date.parse(s.startedAt));
      const spread = Math.max(...starts) - Math.min(...starts);
      assert.ok(spread < 50, `start spread ${spread} ms: ${shards.map((s) => s.startedAt)}`);
      shards.forEach((s) => assert.equal(s.startAt, shards[0].startAt));

      // The merge got each shard once (no warning) and says how far apart they started.
      const mergeSaid = Deno.readTextFileSync(`${out}/merge.stderr`);
      assert.doesNotMatch(mergeSaid, /WARNING/, mergeSaid);
      assert.match(mergeSaid, /^kali merge: the 3 scheduled runs started within \d+ ms$/m);
      assert.deepEqual(merged.parts.map((p: Json) => p.shard), shards.map((s) => s.shard));

      // Every connection's first message named its uid: 1..C, each exactly once.
      const sink = Deno.readTextFileSync(`${out}/server.stderr`);
      const uids = [...sink.matchAll(/U(\d+)\./g)].map((m) => Number(m[1]));
      assert.equal(uids.length, C, `uids seen by the sink: ${uids}`);
      assert.deepEqual([...uids].sort((a, b) => a - b), Array.from({ length: C }, (_, i) => i + 1));
    } finally {
      Deno.removeSync(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "the simulation tears its namespaces down when a shard fails and on Ctrl+C",
  ignore: unsupported !== null,
  fn: async () => {
    const failingRun = sim(["--shards", "2", "--", "-c", "2", "--bogus"]);
    const failing = await failingRun.output();
    assert.equal(failing.code, 1);
    assert.match(new TextDecoder().decode(failing.stderr), /cluster_sim: shard 0 exited 64/);
    assert.deepEqual(await simNamespaces(failingRun.pid), []);

    const child = sim(["--shards", "2", "--start-in", "30", "--", "-c", "2", "-T", "1"]);
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let said = "";
    while (!said.includes("shards start at")) {
      const { value, done } = await reader.read();
      if (done) break;
      said += value;
    }
    assert.equal((await simNamespaces(child.pid)).length, 3, "no namespaces while running");
    child.kill("SIGINT");
    const status = await child.status;
    await reader.cancel();
    await child.stdout.cancel();
    assert.equal(status.code, 130);
    assert.deepEqual(await simNamespaces(child.pid), []);
  },
});
