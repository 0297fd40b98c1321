/**
 * What a refused command line looks like from outside: stderr lines, the
 * help on stdout, the exit code. Each case is one process; the refusals
 * themselves are tested in-process under tests/cli/.
 */
import assert from "node:assert/strict";
import { longHelp } from "../../../src/cli/help.ts";
import { runKali } from "../../_helpers/kali.ts";

Deno.test("an unknown option: getopt's two lines on stderr, the long help on stdout, exit 64", async () => {
  const run = await runKali(["--bogus", "127.0.0.1:1"]);
  assert.equal(run.code, 64);
  assert.equal(run.stderr, "kali: unrecognized option '--bogus'\n--bogus: unknown option\n");
  assert.equal(run.stdout, longHelp("kali", navigator.hardwareConcurrency));
});

Deno.test("a bad option value: one line on stderr, nothing on stdout, exit 64", async () => {
  const run = await runKali(["--statsd-port", "0", "127.0.0.1:1"]);
  assert.deepEqual([run.code, run.stderr, run.stdout], [
    64,
    "--statsd-port=0 is not in [1..65535]\n",
    "",
  ]);
});

Deno.test("a refused plan: the startup lines so far, then the refusal, exit 64", async () => {
  const run = await runKali(["--latency-marker", "X", "127.0.0.1:1"]);
  assert.deepEqual([run.code, run.stdout], [64, ""]);
  assert.equal(
    run.stderr,
    "Destination: [127.0.0.1]:1\n" +
      "--latency-marker is given, but no messages are supposed to be sent. Specify --message?\n",
  );
});

Deno.test("--help and --version print on stdout; --help exits 64 as tcpkali, --version 0", async () => {
  const help = await runKali(["--help"]);
  assert.deepEqual([help.code, help.stderr], [64, ""]);
  assert.equal(help.stdout, longHelp("kali", navigator.hardwareConcurrency));
  const version = await runKali(["--version"]);
  assert.deepEqual([version.code, version.stderr], [0, ""]);
  assert.match(version.stdout, /^kali version \S+ \(deno [\d.]+, tcpkali 1\.2\.0 compatible\)\n$/);
});
