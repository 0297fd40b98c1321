/**
 * kali's `--ws` listener against clients: the npm `ws` client (messages
 * both ways, ping/pong, the close handshake at the end of the run), a raw
 * client that breaks the protocol (close 1002, the run goes on), and a
 * plain HTTP request (refused with 400).
 */
import assert from "node:assert/strict";
import WebSocket from "npm:ws@8.23.0";
import { freePort, reportBytes, spawnKali, waitForPort } from "../../_helpers/kali.ts";
import type { WsSocket } from "../../_helpers/websocket_peers.ts";
import { renderFrame } from "../../../src/transport/websocket_frame.ts";

const encoder = new TextEncoder();

async function finish(child: Deno.ChildProcess) {
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Reads from `conn` until `enough(bytes)` or EOF; returns all bytes. */
async function readUntil(
  conn: Deno.Conn,
  enough: (bytes: Uint8Array) => boolean,
): Promise<Uint8Array> {
  let all = new Uint8Array(0);
  const buffer = new Uint8Array(4096);
  while (!enough(all)) {
    const n = await conn.read(buffer);
    if (n === null) break;
    const next = new Uint8Array(all.length + n);
    next.set(all);
    next.set(buffer.subarray(0, n), all.length);
    all = next;
  }
  return all;
}

const headEnd = (b: Uint8Array) => new TextDecoder().decode(b).includes("\r\n\r\n");

function upgradeRequest(port: number): Uint8Array {
  return encoder.encode(
    `GET /raw HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
      "Sec-WebSocket-Version: 13\r\n\r\n",
  );
}

Deno.test("npm ws client against kali's active --ws listener", async () => {
  const port = freePort();
  const kali = spawnKali([
    "--ws",
    "-l",
    `127.0.0.1:${port}`,
    "--listen-mode",
    "active",
    "-m",
    "hi",
    "-r",
    "20",
    "-T",
    "2",
  ]);
  try {
    await waitForPort(port);
    const socket = new WebSocket(`ws://127.0.0.1:${port}/chat`) as unknown as WsSocket;
    const received: string[] = [];
    const pongs: string[] = [];
    let closeCode = 0;
    const closed = new Promise<void>((resolve) => {
      socket.on("close", (code) => {
        closeCode = code;
        resolve();
      });
    });
    socket.on("error", () => {});
    socket.on("message", (data) => received.push(String(data)));
    socket.on("pong", (data) => pongs.push(new TextDecoder().decode(data)));
    await new Promise<void>((resolve) => socket.on("open", () => resolve()));
    for (let i = 0; i < 20; i++) socket.send("yo");
    socket.ping("p1");
    await closed; // kali closes at the end of its -T
    const run = await finish(kali);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(closeCode, 1000, "kali runs the close handshake with 1000");
    assert.deepEqual(pongs, ["p1"]);
    assert.ok(received.length >= 10, `got ${received.length} messages`);
    assert.ok(received.every((m) => m === "hi"));
    // 20 masked 2-byte frames (8 bytes each) plus the ws client's request.
    assert.ok(reportBytes(run.stdout, "received") >= 20 * 8 + 100, run.stdout);
  } catch (error) {
    kali.kill("SIGKILL");
    await kali.status;
    throw error;
  }
});

Deno.test("a malformed frame closes that connection with 1002; the run goes on", async () => {
  const port = freePort();
  const kali = spawnKali(["-v", "--ws", "-l", `127.0.0.1:${port}`, "-T", "2"]);
  try {
    await waitForPort(port);
    // 1. A client that sends an unmasked frame breaks RFC 6455.
    const bad = await Deno.connect({ hostname: "127.0.0.1", port });
    await bad.write(upgradeRequest(port));
    const head = new TextDecoder().decode(await readUntil(bad, headEnd));
    assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(head, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/);
    await bad.write(renderFrame({ opcode: 1, payload: encoder.encode("unmasked"), mask: null }));
    const close = await readUntil(bad, () => false); // until kali closes
    bad.close();
    assert.equal(close[0], 0x88, "a close frame");
    assert.equal((close[2] << 8) | close[3], 1002);

    // 2. The listener still serves: a ping (really masked) gets its pong.
    const good = await Deno.connect({ hostname: "127.0.0.1", port });
    await good.write(upgradeRequest(port));
    await readUntil(good, headEnd);
    await good.write(renderFrame({ opcode: 9, payload: encoder.encode("pq"), mask: 0x01020304 }));
    const pong = await readUntil(good, (b) => b.length >= 4);
    assert.deepEqual([...pong.subarray(0, 4)], [0x8a, 0x02, 0x70, 0x71]);

    // 3. A plain HTTP request is refused with 400.
    const plain = await Deno.connect({ hostname: "127.0.0.1", port });
    await plain.write(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const refusal = new TextDecoder().decode(await readUntil(plain, () => false));
    plain.close();
    assert.match(refusal, /^HTTP\/1\.1 400 Bad Request\r\n/);

    const run = await finish(kali);
    good.close();
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /unmasked frame from a client; closing with 1002/);
  } catch (error) {
    kali.kill("SIGKILL");
    await kali.status;
    throw error;
  }
});
