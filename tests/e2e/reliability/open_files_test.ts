/**
 * Under a low `ulimit -n`, kali says what tcpkali says when it cannot
 * create a socket (once; a count at -v), runs on with the connections it
 * could open, prints its report and exits 1 as tcpkali does.
 */
import assert from "node:assert/strict";
import { freePort, reportBytes, runKali } from "../../_helpers/kali.ts";

Deno.test("out of descriptors: one line, the run goes on with what it has, exit 1", async () => {
  const port = freePort();
  const run = await runKali([
    "-v",
    "-c",
    "100",
    "--connect-rate",
    "1000",
    "-m",
    "x",
    "-r",
    "10",
    "-l",
    String(port),
    `127.0.0.1:${port}`,
    "-T",
    "2",
  ], { fileLimit: 100 });
  assert.equal(run.code, 1, run.stderr);
  const lines = run.stderr.split("\n");
  assert.equal(
    lines.filter((l) => l === "Cannot create socket: Too many open files").length,
    1,
    run.stderr,
  );
  const ramped = /^Ramped up to (\d+) connections\.$/m.exec(run.stderr);
  assert.ok(ramped, run.stderr);
  const kept = Number(ramped[1]);
  assert.ok(kept > 0 && kept < 100, `ramped up to ${kept}`);
  // the steady phase ran on those: about 10 messages a second each, for 2 s
  assert.ok(reportBytes(run.stdout, "sent") >= kept * 10, run.stdout);
  const count = /^(\d+) sockets could not be created: too many open files$/m.exec(run.stderr);
  assert.ok(count && Number(count[1]) > 10, run.stderr);
});
