/**
 * Golden tests of the dump format, from real tcpkali runs,
 * plus the streaming --message-stop search and the last-received line.
 */
import assert from "node:assert/strict";
import { freePort, runKali, spawnKali, waitForPort } from "../../_helpers/kali.ts";
import { LastReceived, TrafficDumper } from "../../../src/engine/dump.ts";
import { StreamSearch } from "../../../src/engine/message_stop.ts";
import type { Connection } from "../../../src/engine/connection.ts";

const enc = new TextEncoder();

Deno.test("-d dumps each write of the first outgoing connection in tcpkali's format", async () => {
  const port = freePort();
  const run = await runKali([
    "-e",
    "-m",
    'A\\r\\nB"\\x00\\xff',
    "-r2",
    "-d",
    "-l",
    String(port),
    `127.0.0.1:${port}`,
    "-T",
    "1.2",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const golden = 'Snd(1, 7): [A\\r\\n\n\tB"\\x00\\xff]\n';
  const dumps = run.stderr.split(golden).length - 1;
  assert.ok(dumps >= 2 && dumps <= 4, `expected 2..4 dump lines, got ${dumps}:\n${run.stderr}`);
  // Nothing else is dumped: the silent listener sends nothing, so no Rcv lines.
  assert.ok(!run.stderr.includes("Rcv("), run.stderr);
  const sent = Number(/Total data sent: .*\((\d+) bytes\)/.exec(run.stdout)![1]);
  assert.equal(sent % 7, 0);
});

Deno.test("--dump-all-in dumps received data of every connection, and only that", async () => {
  const port = freePort();
  const server = spawnKali([
    "--listen-mode=active",
    "-m",
    "PONG",
    "-r",
    "2",
    "-l",
    `127.0.0.1:${port}`,
    "-T",
    "3",
  ], { quiet: true });
  try {
    await waitForPort(port);
    const run = await runKali([
      "--dump-all-in",
      "-c",
      "2",
      "-w",
      "1",
      `127.0.0.1:${port}`,
      "-T",
      "1",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const ids = new Set([...run.stderr.matchAll(/^Rcv\((\d+), 4\): \[PONG\]$/gm)].map((m) => m[1]));
    assert.deepEqual([...ids].sort(), ["1", "2"], run.stderr);
    assert.ok(!run.stderr.includes("Snd("));
  } finally {
    server.kill("SIGKILL");
    await server.status;
  }
});

Deno.test("TrafficDumper: the one connection is the first outgoing; the next after it closes", () => {
  const lines: string[] = [];
  const dumper = new TrafficDumper({ oneIn: true, oneOut: true, allIn: false, allOut: false }, {
    workerIndex: 0,
    workers: 1,
    dumpsOne: true,
    oneIsOutgoing: true,
    color: false,
    prefix: "",
    write: (t) => lines.push(t),
  });
  const conn = {} as Connection;
  assert.equal(dumper.tapFor(false), null); // accepted: not "the one"
  const first = dumper.tapFor(true)!;
  assert.equal(dumper.tapFor(true), null); // a second one while the first is open
  first.sent!(conn, enc.encode("xhi\\"), 1, 4, 0);
  first.received!(conn, enc.encode("a\tb\nc\n!!"), 6, 0);
  first.closed!(conn);
  const next = dumper.tapFor(true)!;
  next.sent!(conn, enc.encode("z"), 0, 1, 0);
  assert.deepEqual(lines, [
    "Snd(1, 3): [hi\\\\]\n",
    "Rcv(1, 6): [a\\x09b\\n\n\tc\\n]\n",
    "Snd(2, 1): [z]\n", // ids count dumped connections only
  ]);
});

Deno.test("StreamSearch finds a needle split across reads, and overlapping prefixes", () => {
  const search = new StreamSearch(enc.encode("STOP"));
  let state = search.feed(0, enc.encode("HELLO ST"), 8);
  assert.ok(state >= 0);
  state = search.feed(state, enc.encode("OP ZZ"), 5);
  assert.equal(-state - 1, 2); // match ends just before index 2 of the second read
  const aab = new StreamSearch(enc.encode("aab"));
  assert.equal(-aab.feed(0, enc.encode("aaab"), 4) - 1, 4);
  assert.ok(aab.feed(0, enc.encode("abab"), 4) >= 0);
});

Deno.test("LastReceived keeps the last 1500 bytes of the last read", () => {
  const last = new LastReceived();
  assert.equal(last.line(), null);
  last.tap.received!({} as Connection, enc.encode("PING"), 4, 0);
  assert.equal(last.line(), "Last received bytes (4): [PING]");
  const big = new Uint8Array(2000).fill(0x61);
  last.tap.received!({} as Connection, big, 2000, 0);
  assert.equal(last.line(), `Last received bytes (2000): ...[${"a".repeat(1500)}]`);
});
