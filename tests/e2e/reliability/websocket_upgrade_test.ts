/**
 * A WebSocket server that answers the upgrade wrongly (`200 OK`, a wrong
 * `Sec-WebSocket-Accept`, nothing at all) or that upgrades and then stops
 * cooperating: a failed upgrade is a connection failure (counted, shown at
 * -v with the status line, retried at the connect rate, exit 1 when the
 * connections could not be kept) and `-T` holds within 0.2 s.
 */
import assert from "node:assert/strict";
import { spawnKali } from "../../_helpers/kali.ts";
import { LoopbackServer } from "../../_helpers/peers.ts";
import { TCPKALI_ACCEPT_KEY } from "../../../src/transport/websocket_handshake.ts";

const encoder = new TextEncoder();

/** How the hostile server answers the n-th upgrade request (0-based). */
type Answer = (n: number) => "200" | "wrong-accept" | "silent" | "upgrade-then-close" | "mute";

/** Reads an upgrade request head and answers it as `answer` says; keeps accept times. */
class HostileWsServer extends LoopbackServer {
  readonly accepted: number[] = [];
  constructor(readonly answer: Answer) {
    super();
  }

  protected async serve(conn: Deno.TcpConn): Promise<void> {
    const n = this.accepted.push(performance.now()) - 1;
    const buffer = new Uint8Array(4096);
    let head = "";
    while (!head.includes("\r\n\r\n")) {
      const read = await conn.read(buffer);
      if (read === null) return;
      head += new TextDecoder().decode(buffer.subarray(0, read));
    }
    const answer = this.answer(n);
    const upgrade = (accept: string) =>
      encoder.encode(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
    if (answer === "200") {
      await conn.write(encoder.encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"));
    } else if (answer === "wrong-accept") {
      await conn.write(upgrade("d3JvbmcgYWNjZXB0IGtleQ=="));
    } else if (answer === "upgrade-then-close") {
      await conn.write(upgrade(TCPKALI_ACCEPT_KEY));
      await new Promise((resolve) => setTimeout(resolve, 500));
      return;
    } else if (answer === "mute") {
      // Upgrades, then never reads again nor answers the close handshake.
      await conn.write(upgrade(TCPKALI_ACCEPT_KEY));
      await new Promise((resolve) => setTimeout(resolve, 10000));
      return;
    }
    // "silent", and after a refusal: hold the connection until kali closes it.
    while (await conn.read(buffer) !== null) { /* discard */ }
  }
}

interface TimedRun {
  code: number;
  stdout: string;
  stderr: string;
  /** performance.now() when the process had exited. */
  exitedAt: number;
}

async function runTimed(args: string[]): Promise<TimedRun> {
  const child = spawnKali(args);
  const timer = setTimeout(() => child.kill("SIGKILL"), 30000);
  const output = await child.output();
  const exitedAt = performance.now();
  clearTimeout(timer);
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
    exitedAt,
  };
}

/** Seconds from the first connection the server saw to kali's exit, beyond `-T`. */
function overrun(server: HostileWsServer, run: TimedRun, seconds: number): number {
  assert.ok(server.accepted.length > 0, "kali connected");
  return (run.exitedAt - server.accepted[0]) / 1000 - seconds;
}

for (
  const [name, answer, shown] of [
    ["200 OK", "200", /failed: server answered "HTTP\/1\.1 200 OK"$/m],
    [
      "a wrong Sec-WebSocket-Accept",
      "wrong-accept",
      /failed: server answered "HTTP\/1\.1 101 Switching Protocols" with Sec-WebSocket-Accept "d3JvbmcgYWNjZXB0IGtleQ==", expected HSmrc0sMlYUkAGmm5OPpG2HaGWk=$/m,
    ],
  ] as const
) {
  Deno.test(`an upgrade answered with ${name} fails the connection and the run`, async () => {
    const server = new HostileWsServer(() => answer);
    try {
      const run = await runTimed([
        "--ws",
        "-v",
        "--connect-rate",
        "20",
        "-T",
        "2",
        `127.0.0.1:${server.port}`,
      ]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /^Could not create 1 connection in allotted time \(2s\)$/m);
      assert.doesNotMatch(run.stderr, /Ramped up/);
      assert.match(run.stderr, shown);
      // retried at the connect rate (20/s over 2 s), each one shown at -v
      const failures = run.stderr.match(/^WebSocket handshake with .* failed: /gm) ?? [];
      assert.ok(
        server.accepted.length >= 20 && server.accepted.length <= 45,
        `${server.accepted.length} attempts`,
      );
      assert.ok(failures.length >= server.accepted.length - 2, `${failures.length} lines`);
      const late = overrun(server, run, 2);
      assert.ok(late <= 0.2, `exited ${late.toFixed(3)} s after -T`);
    } finally {
      server.close();
    }
  });
}

Deno.test("an upgrade never answered times out after the connect timeout, is retried", async () => {
  const server = new HostileWsServer(() => "silent");
  try {
    const run = await runTimed([
      "--ws",
      "-v",
      "--connect-timeout",
      "0.5",
      "-T",
      "2",
      `127.0.0.1:${server.port}`,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^Could not create 1 connection in allotted time \(2s\)$/m);
    const timeouts = run.stderr.match(/^WebSocket handshake with .* timed out$/gm) ?? [];
    // one attempt every 0.5 s: 4 in 2 s, give or take the edges
    assert.ok(timeouts.length >= 3 && timeouts.length <= 4, run.stderr);
    assert.ok(
      server.accepted.length >= 4 && server.accepted.length <= 5,
      `${server.accepted.length}`,
    );
    const late = overrun(server, run, 2);
    assert.ok(late <= 0.2, `exited ${late.toFixed(3)} s after -T`);
  } finally {
    server.close();
  }
});

Deno.test("connections lost to failing upgrades in the steady phase: report, then exit 1", async () => {
  const server = new HostileWsServer((n) => (n === 0 ? "upgrade-then-close" : "200"));
  try {
    const run = await runTimed([
      "--ws",
      "--connect-rate",
      "20",
      "-T",
      "2",
      `127.0.0.1:${server.port}`,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^Ramped up to 1 connections\.$/m);
    assert.match(run.stdout, /^Test duration: /m, "the report is printed");
    const line = /^Could not keep 1 connection: (\d+) WebSocket upgrades failed$/m.exec(run.stderr);
    assert.ok(line, run.stderr);
    // the connection closed at 0.5 s; re-opens at 20/s for the remaining 1.5 s
    const failed = Number(line[1]);
    assert.ok(failed >= 15 && failed <= 35, `${failed} failed upgrades`);
    assert.equal(failed, server.accepted.length - 1);
    assert.ok(overrun(server, run, 2) <= 0.2);
  } finally {
    server.close();
  }
});

Deno.test("a peer that upgrades and then stops reading holds -T within 0.2 s", async () => {
  const server = new HostileWsServer(() => "mute");
  try {
    const run = await runTimed([
      "--ws",
      "-m",
      "x".repeat(1000),
      "-T",
      "1",
      `127.0.0.1:${server.port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const late = overrun(server, run, 1);
    assert.ok(late <= 0.2, `exited ${late.toFixed(3)} s after -T`);
  } finally {
    server.close();
  }
});
