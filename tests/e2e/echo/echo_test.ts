/**
 * `--listen-mode echo`: accepted connections send back every byte they
 * receive, in order; with `--ws`, every data frame as a frame of the same
 * type (fragments kept, unmasked); reads pause while the echo
 * waits for a peer that does not read it. With it, one kali measures
 * latency against itself.
 */
import assert from "node:assert/strict";
import WebSocket from "npm:ws@8.23.0";
import { freePort, reportBytes, runKali, spawnKali, waitForPort } from "../../_helpers/kali.ts";
import { percentileLine } from "../../_helpers/report.ts";
import type { WsSocket } from "../../_helpers/websocket_peers.ts";
import { renderFrame } from "../../../src/transport/websocket_frame.ts";
import { WebSocketFrameParser } from "../../../src/transport/websocket_frame_parser.ts";

const encoder = new TextEncoder();

/** Ends a spawned kali and returns what it printed. */
async function finish(child: Deno.ChildProcess) {
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Reads exactly `n` bytes (or until EOF). */
async function readBytes(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let at = 0;
  while (at < n) {
    const got = await conn.read(out.subarray(at));
    if (got === null) break;
    at += got;
  }
  return out.subarray(0, at);
}

/** A WebSocket upgrade request to 127.0.0.1:`port`. */
function upgradeRequest(port: number): Uint8Array {
  return encoder.encode(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
}

/** Starts `kali -l PORT --listen-mode echo` with `extra` options; resolves once it listens. */
async function echoListener(extra: string[] = []) {
  const port = freePort();
  const child = spawnKali([
    "-l",
    `127.0.0.1:${port}`,
    "--listen-mode",
    "echo",
    "-T",
    "3",
    ...extra,
  ]);
  await waitForPort(port);
  return { port, child };
}

Deno.test("every byte comes back, in order, across many reads", async () => {
  const { port, child } = await echoListener();
  const data = new Uint8Array(3 * 1024 * 1024);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 12)) & 0xff;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const writing = (async () => {
    for (let at = 0; at < data.length;) at += await conn.write(data.subarray(at, at + 100_000));
  })();
  const back = await readBytes(conn, data.length);
  await writing;
  conn.close();
  const run = await finish(child);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(back.length, data.length);
  assert.ok(back.every((byte, i) => byte === data[i]), "the echo differs from what was sent");
  assert.equal(reportBytes(run.stdout, "sent"), data.length);
  assert.equal(reportBytes(run.stdout, "received"), data.length);
});

Deno.test("a peer that does not read its echo cannot grow kali's buffers", async () => {
  const { port, child } = await echoListener();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  // Write until both directions' socket buffers are full: the writes stall.
  const chunk = new Uint8Array(65536);
  let written = 0;
  const stalled = (async () => {
    try {
      for (;;) written += await conn.write(chunk);
    } catch { /* closed below */ }
  })();
  let before = -1;
  while (before !== written) {
    before = written;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const run = await finish(child);
  conn.close();
  await stalled;
  assert.equal(run.code, 0, run.stderr);
  // What kali read but could not echo yet is in two read buffers of 1 MiB at most.
  const held = reportBytes(run.stdout, "received") - reportBytes(run.stdout, "sent");
  assert.ok(held >= 0 && held <= 2 * 1048576, `${held} bytes held`);
  assert.ok(written > 4 * 65536, `only ${written} bytes written`);
});

Deno.test("--ws: a peer that does not read its echo cannot grow kali's buffers", async () => {
  const { port, child } = await echoListener(["--ws"]);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(upgradeRequest(port));
  const frame = renderFrame({ opcode: 2, payload: new Uint8Array(60000), mask: 0x01020304 });
  let written = 0;
  const stalled = (async () => {
    try {
      for (;;) written += await conn.write(frame);
    } catch { /* closed below */ }
  })();
  let before = -1;
  while (before !== written) {
    before = written;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const run = await finish(child);
  conn.close();
  await stalled;
  assert.equal(run.code, 0, run.stderr);
  // Two 128 KiB echo buffers and one 64 KiB read at most (headers shrink by 4 bytes a frame).
  const held = reportBytes(run.stdout, "received") - reportBytes(run.stdout, "sent");
  assert.ok(held >= 0 && held <= 2 * 131072 + 65536 + 4096, `${held} bytes held`);
  assert.ok(written > 8 * 65536, `only ${written} bytes written`);
});

Deno.test("README: a self-contained latency test against kali's own echo", async () => {
  const port = freePort();
  const run = await runKali([
    "-l",
    String(port),
    "--listen-mode",
    "echo",
    "-m",
    "ping",
    "--latency-marker",
    "ping",
    "-r",
    "100",
    "-T",
    "2",
    `127.0.0.1:${port}`,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const latency = percentileLine(run.stdout, "Message latency");
  assert.ok(latency && latency.values.every((ms) => ms >= 0 && ms < 1000), run.stdout);
  // Both ends in one process: the client's pings and their echo, all but a few in flight.
  const sent = reportBytes(run.stdout, "sent");
  assert.ok(sent >= 2 * 4 * 100 * 2 * 0.9, `${sent} bytes sent`);
  assert.ok(Math.abs(sent - reportBytes(run.stdout, "received")) <= 4 * 4, run.stdout);
});

Deno.test("--ws: text and binary messages come back as messages of the same type", async () => {
  const { port, child } = await echoListener(["--ws"]);
  const socket = new WebSocket(`ws://127.0.0.1:${port}/`) as unknown as WsSocket;
  const received: { text: string; binary: boolean }[] = [];
  socket.on("error", () => {});
  socket.on("message", (data, isBinary) => {
    received.push({ text: new TextDecoder().decode(data), binary: isBinary });
  });
  await new Promise<void>((resolve) => socket.on("open", () => resolve()));
  socket.send("hello");
  socket.send(encoder.encode("bytes"), { binary: true });
  socket.send("x".repeat(70000));
  while (received.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
  socket.close(1000);
  const run = await finish(child);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(received.slice(0, 2), [
    { text: "hello", binary: false },
    { text: "bytes", binary: true },
  ]);
  assert.equal(received[2].text, "x".repeat(70000));
});

Deno.test("--ws: fragments are echoed frame by frame, unmasked", async () => {
  const { port, child } = await echoListener(["--ws"]);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(upgradeRequest(port));
  const frames = [
    { opcode: 1, fin: false, rsv: 0, payload: encoder.encode("frag"), mask: 0x11223344 },
    { opcode: 9, fin: true, rsv: 0, payload: encoder.encode("ping"), mask: 0x01020304 },
    { opcode: 0, fin: true, rsv: 0, payload: encoder.encode("ment"), mask: 0x55667788 },
  ];
  for (const frame of frames) await conn.write(renderFrame(frame));
  const seen: { opcode: number; fin: boolean; rsv: number; masked: boolean; payload: string }[] =
    [];
  let payload = "";
  const parser = new WebSocketFrameParser({
    frameStart: () => payload = "",
    payload: (bytes, from, to) => payload += new TextDecoder().decode(bytes.subarray(from, to)),
    frameEnd: (f) =>
      seen.push({ opcode: f.opcode, fin: f.fin, rsv: f.rsv, masked: f.masked, payload }),
  }, { side: "client", allowedRsv: 0x70 });
  const buffer = new Uint8Array(4096);
  let head = "";
  while (seen.length < 3) {
    const n = await conn.read(buffer);
    if (n === null) break;
    let from = 0;
    if (!head.includes("\r\n\r\n")) {
      head += new TextDecoder().decode(buffer.subarray(0, n));
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) continue;
      from = n - (head.length - end - 4);
    }
    parser.push(buffer, from, n);
  }
  conn.close();
  const run = await finish(child);
  assert.equal(run.code, 0, run.stderr);
  // The data frames come back in order; the ping is answered with a pong at a frame boundary.
  assert.deepEqual(seen.filter((f) => f.opcode !== 10), [
    { opcode: 1, fin: false, rsv: 0, masked: false, payload: "frag" },
    { opcode: 0, fin: true, rsv: 0, masked: false, payload: "ment" },
  ]);
  assert.deepEqual(seen.filter((f) => f.opcode === 10), [
    { opcode: 10, fin: true, rsv: 0, masked: false, payload: "ping" },
  ]);
});
