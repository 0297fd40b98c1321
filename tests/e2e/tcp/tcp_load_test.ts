import assert from "node:assert/strict";
import { freePort, reportBytes, runKali, spawnKali } from "../../_helpers/kali.ts";
import { pythonPeer, RecordingSink } from "../../_helpers/peers.ts";

const REPORT_LINES = [
  /^Total data sent: {5}\S+ \S+ \(\d+ bytes\)$/,
  /^Total data received: \S+ \S+ \(\d+ bytes\)$/,
  /^Bandwidth per channel: \d+\.\d{3}⇅ Mbps \(\d+\.\d kBps\)$/,
  /^Aggregate bandwidth: \d+\.\d{3}↓, \d+\.\d{3}↑ Mbps$/,
  /^Packet rate estimate: \d+\.\d↓, \d+\.\d↑ \(\d+↓, \d+↑ TCP MSS\/op\)$/,
  /^Test duration: [\d.]+ s\.$/,
];

/**
 * The largest a socket buffer may grow to (`max` of net.ipv4.tcp_wmem or
 * tcp_rmem). Read through cat: Deno wants --allow-all to read /proc/sys.
 */
function kernelBufferMax(name: "tcp_wmem" | "tcp_rmem"): number {
  const cat = new Deno.Command("cat", { args: [`/proc/sys/net/ipv4/${name}`] }).outputSync();
  const fields = new TextDecoder().decode(cat.stdout).trim().split(/\s+/);
  const max = Number(fields[2]);
  if (!cat.success || !(max > 0)) throw new Error(`cannot read net.ipv4.${name}`);
  return max;
}

function assertReport(stdout: string): void {
  const lines = stdout.trimEnd().split("\n");
  assert.equal(lines.length, REPORT_LINES.length, stdout);
  lines.forEach((line, i) => assert.match(line, REPORT_LINES[i]));
}

Deno.test("self-loop prints the full report; sent and received agree", async () => {
  const port = freePort();
  const run = await runKali(["-l", String(port), `127.0.0.1:${port}`, "-m", "cookies", "-T", "3s"]);
  assert.equal(run.code, 0, run.stderr);
  assertReport(run.stdout);
  assert.match(run.stdout, /^Test duration: 3\.0\d* s\.$/m);
  const sent = reportBytes(run.stdout, "sent");
  const received = reportBytes(run.stdout, "received");
  assert.ok(sent > 10_000_000, `sent only ${sent}`);
  // Both totals count from one snapshot to the stop, each read at one
  // instant for both ends. They differ by what was in flight at those two
  // instants: at most what the kernel lets one connection's send and receive
  // buffers grow to, plus one write the peer already read but the writer had
  // not counted yet (1 MiB rounded up to whole 7-byte messages).
  const inFlight = kernelBufferMax("tcp_wmem") + kernelBufferMax("tcp_rmem") +
    Math.ceil((1 << 20) / 7) * 7;
  assert.ok(
    Math.abs(sent - received) <= inFlight,
    `sent ${sent} received ${received}, ${inFlight} in flight`,
  );
  assert.equal(
    run.stderr,
    `Destination: [127.0.0.1]:${port}\nListen on: [0.0.0.0]:${port}\nListen on: [::]:${port}\nRamped up to 1 connections.\n`,
  );
});

Deno.test("the report's sent total is what the peer received", async () => {
  const sink = new RecordingSink();
  try {
    const run = await runKali(["-T", "2", "-m", "hello", "-r", "50", `127.0.0.1:${sink.port}`]);
    assert.equal(run.code, 0, run.stderr);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reported = reportBytes(run.stdout, "sent");
    assert.ok(reported >= 5 * 95 && reported <= 5 * 102, `reported ${reported}`);
    assert.ok(
      sink.totalBytes >= reported && sink.totalBytes <= reported + 5,
      `peer ${sink.totalBytes}`,
    );
    assert.equal(new TextDecoder().decode(sink.bytesOf(0)), "hello".repeat(sink.totalBytes / 5));
  } finally {
    sink.close();
  }
});

Deno.test("4000 paced connections send 400,000 messages within 1%", async () => {
  const port = freePort();
  const run = await runKali(
    [
      "-l",
      String(port),
      "-c",
      "4000",
      "--connect-rate",
      "20k",
      "-r",
      "10",
      "-m",
      "hello",
      "-T",
      "10s",
      `127.0.0.1:${port}`,
    ],
    { timeoutMs: 60000 },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^Ramped up to 4000 connections\.$/m);
  // Exact over the window the report counts, however long a loaded machine
  // made it: 4000 connections × 10 messages per second of "Test duration".
  const messages = reportBytes(run.stdout, "sent") / 5;
  const seconds = Number(run.stdout.match(/^Test duration: ([\d.]+) s\.$/m)![1]);
  const asked = 4000 * 10 * seconds;
  assert.ok(seconds >= 10, run.stdout);
  assert.ok(Math.abs(messages - asked) <= asked / 100, `sent ${messages} of ${asked} messages`);
});

Deno.test("a refused destination fails ramp-up with tcpkali's message and exit 1", async () => {
  const port = freePort();
  const run = await runKali(["-T1", `127.0.0.1:${port}`]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^Could not create 1 connection in allotted time \(1s\)$/m);
  // kali still reports what the attempt moved: nothing.
  assertReport(run.stdout);
  assert.equal(reportBytes(run.stdout, "sent"), 0);
});

Deno.test("connections reset by the peer are counted, logged and re-opened", async () => {
  const peer = await pythonPeer(`
import socket, struct, threading, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print("PORT", s.getsockname()[1])
count = 0
def reset(c):
    time.sleep(0.5)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close()
s.settimeout(0.2)
end = time.time() + 6
while time.time() < end:
    try: c, _ = s.accept()
    except socket.timeout: continue
    count += 1; print("ACCEPTED", count)
    threading.Thread(target=reset, args=(c,)).start()
`);
  try {
    const run = await runKali(["-T2", "-c2", "-v", `127.0.0.1:${peer.port}`]);
    assert.equal(run.code, 0, run.stderr);
    assertReport(run.stdout);
    const resets = run.stderr.split("\n").filter((l) =>
      l === `Closing [127.0.0.1]:${peer.port}: Connection reset by peer`
    );
    assert.ok(resets.length >= 3, run.stderr);
  } finally {
    const seen = (await peer.stop()).match(/ACCEPTED/g)?.length ?? 0;
    assert.ok(seen > 2, `peer saw ${seen} connections`);
  }
});

Deno.test("a connect that does not finish in --connect-timeout is closed and retried", async () => {
  const peer = await pythonPeer(`
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)
print("PORT", s.getsockname()[1])
time.sleep(8)
`);
  try {
    const run = await runKali([
      "-c10",
      "-v",
      "--connect-timeout",
      "0.3",
      "-T2",
      `127.0.0.1:${peer.port}`,
    ]);
    const timeouts = run.stderr.split("\n").filter((l) =>
      l === `Connection to [127.0.0.1]:${peer.port} is being closed: Connection timed out`
    );
    assert.ok(timeouts.length >= 5, run.stderr);
  } finally {
    await peer.stop();
  }
});

Deno.test("Ctrl-C prints the report and exits 64", async () => {
  const port = freePort();
  const child = spawnKali([
    "-T5",
    "-c1",
    "-m",
    "hi",
    "-r",
    "10",
    "-l",
    String(port),
    `127.0.0.1:${port}`,
  ]);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  child.kill("SIGINT");
  const output = await child.output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 64);
  assertReport(stdout);
  assert.match(stderr, /^Ctrl\+C pressed, finishing up\.\.\.$/m);
  const seconds = Number(/^Test duration: ([\d.]+) s\.$/m.exec(stdout)![1]);
  assert.ok(seconds < 4, `ran ${seconds} s`);
});

Deno.test("listen-only run reports zeros", async () => {
  const port = freePort();
  const run = await runKali(["-T1", "-l", `127.0.0.1:${port}`]);
  assert.equal(run.code, 0);
  assert.equal(run.stderr, `Listen on: [127.0.0.1]:${port}\n`);
  assert.match(
    run.stdout,
    /^Total data sent: {5}0 bytes \(0 bytes\)\nTotal data received: 0 bytes \(0 bytes\)\n/,
  );
});

Deno.test("connections alternate over destinations", async () => {
  const a = new RecordingSink();
  const b = new RecordingSink();
  try {
    const run = await runKali(["-T1", "-w1", "-c6", `127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(a.connections.length, 3);
    assert.equal(b.connections.length, 3);
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("message rate, delay-send and upstream bandwidth pace bytes", async () => {
  const paced = async (...extra: string[]) => {
    const port = freePort();
    const run = await runKali([
      "-T2",
      "-m",
      "hello",
      ...extra,
      "-l",
      String(port),
      `127.0.0.1:${port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    return reportBytes(run.stdout, "sent");
  };
  // As tcpkali: bytes count from before the connection started, seconds
  // from the ramp-up, so 2 s at 10 msg/s report at least 20 messages.
  const rate = await paced("-r", "10");
  assert.ok(rate >= 100 && rate <= 105, `-r 10: ${rate}`);
  const delayed = await paced("-r", "10", "--delay-send", "1");
  assert.ok(delayed >= 45 && delayed <= 55, `--delay-send 1: ${delayed}`);
  const bandwidth = await paced("--channel-bandwidth-upstream", "10kbps");
  assert.ok(bandwidth >= 2400 && bandwidth <= 2600, `10kbps: ${bandwidth}`);
});

Deno.test("downstream bandwidth 0 never reads", async () => {
  const port = freePort();
  const json = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const run = await runKali(
      [
        "-T1",
        "-m",
        "hello",
        "--channel-bandwidth-downstream",
        "0",
        "--json",
        json,
        "-l",
        String(port),
        `127.0.0.1:${port}`,
      ],
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(reportBytes(run.stdout, "received"), 0);
    // The socket buffers can fill before the steady phase starts, so the
    // report's (steady) sent bytes may be 0: the whole run's are not.
    const counters = JSON.parse(await Deno.readTextFile(json)).counters.run;
    assert.ok(counters.bytesSent > 0, JSON.stringify(counters));
    assert.equal(counters.bytesReceived, 0);
  } finally {
    await Deno.remove(json);
  }
});

Deno.test("channel lifetime closes and re-opens connections", async () => {
  const sink = new RecordingSink();
  try {
    const run = await runKali([
      "-c2",
      "-w1",
      "--channel-lifetime",
      "0.5",
      "-T3",
      `127.0.0.1:${sink.port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(sink.connections.length >= 10, `peer saw ${sink.connections.length}`);
  } finally {
    sink.close();
  }
});

Deno.test("a port in use fails the bind with exit 69", async () => {
  const holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (holder.addr as Deno.NetAddr).port;
  try {
    const run = await runKali(["-T1", "-l", `127.0.0.1:${port}`]);
    assert.equal(run.code, 69);
    assert.match(
      run.stderr,
      new RegExp(
        `^Bind \\[127\\.0\\.0\\.1\\]:${port} is not done on thread \\d+: Address already in use$`,
        "m",
      ),
    );
  } finally {
    holder.close();
  }
});

Deno.test("first messages go once, then messages repeat, from files too", async () => {
  const sink = new RecordingSink();
  const file = await Deno.makeTempFile();
  await Deno.writeTextFile(file, "FILE");
  try {
    const run = await runKali(
      [
        "-T1",
        "-1",
        "X",
        "--first-message-file",
        file,
        "-m",
        "A",
        "-f",
        file,
        "-r",
        "5",
        `127.0.0.1:${sink.port}`,
      ],
    );
    assert.equal(run.code, 0, run.stderr);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = new TextDecoder().decode(sink.bytesOf(0));
    assert.match(text, /^XFILE(AFILE)+$/);
  } finally {
    sink.close();
    await Deno.remove(file);
  }
});

Deno.test("downstream bandwidth limits what each connection reads", async () => {
  const port = freePort();
  const run = await runKali(
    [
      "-T2",
      "-m",
      "hello",
      "--channel-bandwidth-downstream",
      "1MBps",
      "-l",
      String(port),
      `127.0.0.1:${port}`,
    ],
  );
  assert.equal(run.code, 0, run.stderr);
  const received = reportBytes(run.stdout, "received");
  // 1 MB/s for 2 s: only the accepted side receives (the silent listener sends nothing back).
  assert.ok(received >= 1_800_000 && received <= 2_300_000, `received ${received}`);
});
