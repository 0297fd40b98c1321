/**
 * StatsD: a UDP listener receives kali's batches.
 */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { freePort, runKali } from "../../_helpers/kali.ts";
import { MAX_QUEUED_DATAGRAMS, StatsdSender } from "../../../src/report/statsd_sender.ts";
import { newCounters } from "../../../src/stats/counters.ts";

const TRAFFIC_NAMES = [
  "connections.opened",
  "connections.total",
  "connections.total.in",
  "connections.total.out",
  "traffic.bitrate",
  "traffic.bitrate.in",
  "traffic.bitrate.out",
  "traffic.data",
  "traffic.data.rcvd",
  "traffic.data.sent",
  "traffic.data.reads",
  "traffic.data.writes",
  "traffic.msgs.rcvd",
  "traffic.msgs.sent",
];

function zeroBatch(namespace: string): string {
  const types = "cgggggg" + "ccccccc";
  return TRAFFIC_NAMES.map((n, i) => `${namespace}.${n}:0|${types[i]}\n`).join("");
}

/** Binds a UDP socket on 127.0.0.1 and collects datagram payloads. */
async function udpCollector(): Promise<{ port: number; got: string[]; close(): void }> {
  const socket = dgram.createSocket("udp4");
  const got: string[] = [];
  socket.on("message", (msg: Uint8Array) => got.push(new TextDecoder().decode(msg)));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  return { port: socket.address().port, got, close: () => socket.close() };
}

Deno.test("--statsd sends zeros at start, traffic every 0.25 s, zeros at the end", async () => {
  const udp = await udpCollector();
  try {
    const port = freePort();
    const run = await runKali([
      "--statsd",
      "--statsd-port",
      String(udp.port),
      "-m",
      "PING",
      "-r",
      "20",
      "-l",
      String(port),
      `127.0.0.1:${port}`,
      "-T",
      "1.5",
    ]);
    assert.equal(run.code, 0, run.stderr);
    await new Promise((r) => setTimeout(r, 200));
    const got = udp.got;
    assert.ok(got.length >= 6, `only ${got.length} datagrams`);
    assert.equal(got[0], zeroBatch("tcpkali"));
    assert.equal(got.at(-1), zeroBatch("tcpkali"));
    for (const datagram of got) {
      assert.ok(datagram.length <= 511);
      assert.match(datagram, /^(tcpkali\.[a-z.0-9]+:\d+(\.\d)?\|[cg]\n)+$/);
    }
    // Counters are deltas: summed over all batches they give the run's totals.
    const sum = (name: string) =>
      got.flatMap((d) => [...d.matchAll(new RegExp(`^tcpkali\\.${name}:(\\d+)\\|c$`, "gm"))])
        .reduce((n, m) => n + Number(m[1]), 0);
    assert.ok(sum("traffic\\.data\\.sent") >= 4 * 20, `sent ${sum("traffic\\.data\\.sent")}`);
    assert.equal(sum("traffic\\.data\\.sent") % 4, 0);
    assert.equal(sum("connections\\.opened"), 1);
    const middle = got.slice(1, -1).join("");
    assert.match(middle, /^tcpkali\.connections\.total:2\|g$/m); // one out + one in
    assert.match(middle, /^tcpkali\.traffic\.bitrate\.out:[1-9]\d*\|g$/m);
  } finally {
    udp.close();
  }
});

Deno.test("--statsd-namespace prefixes every metric; no daemon needed", async () => {
  const udp = await udpCollector();
  try {
    const port = freePort();
    const run = await runKali([
      "--statsd",
      "--statsd-port",
      String(udp.port),
      "--statsd-namespace",
      "foo.bar",
      "-l",
      String(port),
      "-T",
      "0.6",
    ]);
    assert.equal(run.code, 0, run.stderr);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(udp.got[0], zeroBatch("foo.bar"));
    assert.ok(udp.got.every((d) => d.startsWith("foo.bar.")));
  } finally {
    udp.close();
  }
  // Nothing listens on this port: the run still completes normally.
  const closed = freePort();
  const run = await runKali([
    "--statsd",
    "--statsd-port",
    String(closed),
    "-l",
    String(freePort()),
    "-T",
    "0.5",
  ]);
  assert.equal(run.code, 0, run.stderr);
});

Deno.test("an unresolvable --statsd-host is a warning; the run completes", async () => {
  const run = await runKali([
    "--statsd",
    "--statsd-host",
    "nonexist.invalid",
    "-l",
    String(freePort()),
    "-T",
    "0.3",
  ]);
  assert.equal(run.code, 0);
  assert.match(run.stderr, /^WARNING: --statsd-host=nonexist\.invalid does not resolve/m);
});

Deno.test("StatsdSender: counters are deltas since the previous batch", async () => {
  const udp = await udpCollector();
  const sender = new StatsdSender({ address: "127.0.0.1", port: udp.port, namespace: "t" }, {
    latencyWindowMs: null,
  });
  const c = newCounters();
  sender.start(c, 0);
  c[0] = 100; // bytesSent
  c[7] = 2; // initiated
  sender.tick(c, 250);
  c[0] = 150;
  sender.tick(c, 500);
  sender.finish();
  await sender.close();
  await new Promise((r) => setTimeout(r, 100));
  udp.close();
  assert.equal(sender.datagrams, 4);
  assert.equal(udp.got.length, 4);
  assert.equal(udp.got[0], zeroBatch("t"));
  assert.ok(udp.got[1].includes("t.traffic.data.sent:100|c\n"), udp.got.join("\n"));
  assert.ok(udp.got[1].includes("t.connections.opened:2|c\n"), udp.got.join("\n"));
  assert.ok(udp.got[2].includes("t.traffic.data.sent:50|c\n"), udp.got.join("\n"));
  assert.ok(udp.got[2].includes("t.connections.opened:0|c\n"), udp.got.join("\n"));
  assert.equal(udp.got[3], zeroBatch("t"));
});

/** Metrics of ~300 bytes each, so that every one is a datagram of its own. */
function numberedMetrics(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    name: `${"x".repeat(300)}.${i}`,
    type: "c" as const,
    value: "1",
  }));
}

/** The numbers of numbered metrics, in the order their datagrams arrived. */
const arrivalOrder = (got: string[]) => got.map((d) => Number(/^t\.x+\.(\d+):/.exec(d)?.[1]));

Deno.test("StatsdSender: a batch's datagrams arrive in the order they were sent", async () => {
  // With every datagram handed to node:dgram at once, Deno delivered them
  // reversed on loopback (149, 148, …). The listener reads nothing until the
  // sends are done, so the 150 datagrams (100 of ~300 bytes in one batch, then
  // 50 single-datagram batches) stay well below its 208 KiB receive buffer.
  const udp = await udpCollector();
  const sender = new StatsdSender({ address: "127.0.0.1", port: udp.port, namespace: "t" }, {
    latencyWindowMs: null,
  });
  sender.send(numberedMetrics(100));
  for (let i = 100; i < 150; i++) sender.send([{ name: `x.${i}`, type: "c", value: "1" }]);
  await sender.close();
  const until = performance.now() + 2000;
  while (udp.got.length < 150 && performance.now() < until) {
    await new Promise((r) => setTimeout(r, 10));
  }
  udp.close();
  assert.equal(sender.datagrams, 150);
  assert.deepEqual(arrivalOrder(udp.got), Array.from({ length: 150 }, (_, i) => i));
});

Deno.test("StatsdSender: bounded queue, no daemon needed, nothing sent after close", async () => {
  const nobody = freePort(); // free for TCP a moment ago; most likely no UDP daemon either
  const sender = new StatsdSender({ address: "127.0.0.1", port: nobody, namespace: "t" }, {
    latencyWindowMs: null,
  });
  const count = MAX_QUEUED_DATAGRAMS + 100;
  sender.send(numberedMetrics(count));
  // The batch is queued whole, the oldest beyond the bound dropped, and the
  // first datagram is in flight before send() returns.
  assert.equal(sender.dropped, count - MAX_QUEUED_DATAGRAMS);
  assert.equal(sender.datagrams, 1);
  await sender.close();
  assert.equal(sender.datagrams, MAX_QUEUED_DATAGRAMS);
  assert.equal(sender.dropped, count - MAX_QUEUED_DATAGRAMS);
  sender.finish(); // after close: ignored, never thrown
  await sender.close();
  assert.equal(sender.datagrams, MAX_QUEUED_DATAGRAMS);
});
