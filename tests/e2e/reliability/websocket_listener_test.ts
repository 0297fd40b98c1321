/**
 * kali's `--ws` listener against hostile clients: handshakes that never
 * complete are closed after the connect timeout while good clients are
 * served, a request head over 8 KiB gets 431, and frames that break RFC
 * 6455 (text that is not UTF-8, RSV bits without an extension) close that
 * connection with 1007 and 1002.
 */
import assert from "node:assert/strict";
import { freePort, spawnKali, waitForPort } from "../../_helpers/kali.ts";
import { renderFrame } from "../../../src/transport/websocket_frame.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function upgradeRequest(port: number): Uint8Array {
  return encoder.encode(
    `GET /x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
      "Sec-WebSocket-Version: 13\r\n\r\n",
  );
}

/** Reads until `enough(bytes)` or the end of the stream (or a reset); returns all bytes. */
async function readUntil(conn: Deno.Conn, enough: (b: Uint8Array) => boolean) {
  let all = new Uint8Array(0);
  const buffer = new Uint8Array(4096);
  while (!enough(all)) {
    let n: number | null;
    try {
      n = await conn.read(buffer);
    } catch {
      n = null; // reset
    }
    if (n === null) break;
    const next = new Uint8Array(all.length + n);
    next.set(all);
    next.set(buffer.subarray(0, n), all.length);
    all = next;
  }
  return all;
}

const headEnd = (b: Uint8Array) => decoder.decode(b).includes("\r\n\r\n");

/** Opens a WebSocket by hand; returns the connection after the 101. */
async function openWs(port: number): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(upgradeRequest(port));
  const head = decoder.decode(await readUntil(conn, headEnd));
  assert.match(head, /^HTTP\/1\.1 101 /);
  return conn;
}

/** A close frame's status code, from the bytes a server sent (unmasked). */
function closeCode(bytes: Uint8Array): number {
  assert.equal(bytes[0], 0x88, `a close frame, got ${[...bytes.subarray(0, 4)]}`);
  return (bytes[2] << 8) | bytes[3];
}

async function finish(child: Deno.ChildProcess) {
  const output = await child.output();
  return { code: output.code, stderr: decoder.decode(output.stderr) };
}

Deno.test("half-open handshakes are closed after the connect timeout; good clients are served", async () => {
  const port = freePort();
  const kali = spawnKali(["-v", "--ws", "-l", `127.0.0.1:${port}`, "-T", "4"]);
  const slow: Deno.TcpConn[] = [];
  try {
    await waitForPort(port, 15000);
    const opened = performance.now();
    for (let i = 0; i < 200; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      // a request that never ends: a slow client, or a truncated one
      await conn.write(encoder.encode(i % 2 ? "GET / HTTP/1.1\r\nHost: x\r\n" : "GET / HT"));
      slow.push(conn);
    }
    // meanwhile a good client upgrades and gets its pong
    const good = await openWs(port);
    await good.write(renderFrame({ opcode: 9, payload: encoder.encode("pq"), mask: 0x01020304 }));
    const pong = await readUntil(good, (b) => b.length >= 4);
    assert.deepEqual([...pong.subarray(0, 4)], [0x8a, 0x02, 0x70, 0x71]);
    // every slow one is closed about one second (the connect timeout) after it connected
    await Promise.all(slow.map((conn) => readUntil(conn, () => false)));
    const closedAfter = (performance.now() - opened) / 1000;
    assert.ok(closedAfter >= 0.9 && closedAfter < 2.5, `closed after ${closedAfter} s`);
    // the good one is still open: another ping, another pong
    await good.write(renderFrame({ opcode: 9, payload: encoder.encode("z"), mask: 7 }));
    const again = await readUntil(good, (b) => b.length >= 3);
    assert.deepEqual([...again.subarray(0, 3)], [0x8a, 0x01, 0x7a]);
    const run = await finish(kali);
    good.close();
    assert.equal(run.code, 0, run.stderr);
    const timedOut = run.stderr.match(/^WebSocket handshake from .* timed out$/gm) ?? [];
    assert.equal(timedOut.length, 200);
  } catch (error) {
    kali.kill("SIGKILL");
    await kali.status;
    throw error;
  } finally {
    for (const conn of slow) conn.close();
  }
});

Deno.test("an upgrade request head over 8 KiB is answered 431", async () => {
  const port = freePort();
  const kali = spawnKali(["--ws", "-l", `127.0.0.1:${port}`, "-T", "2"]);
  try {
    await waitForPort(port, 15000);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const big = "GET / HTTP/1.1\r\n" + `X-Pad: ${"p".repeat(9000)}\r\n` + "\r\n";
    await conn.write(encoder.encode(big)).catch(() => {});
    const answer = decoder.decode(await readUntil(conn, () => false));
    conn.close();
    assert.match(answer, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.equal((await finish(kali)).code, 0);
  } catch (error) {
    kali.kill("SIGKILL");
    await kali.status;
    throw error;
  }
});

Deno.test("text that is not UTF-8 closes with 1007, RSV bits with 1002; the run goes on", async () => {
  const port = freePort();
  const kali = spawnKali(["-v", "--ws", "-l", `127.0.0.1:${port}`, "-T", "3"]);
  try {
    await waitForPort(port, 15000);
    const cases: [string, Uint8Array, number][] = [
      // a valid character split over two fragments, then a bad byte
      [
        "bad UTF-8",
        new Uint8Array([
          ...renderFrame({ opcode: 1, payload: Uint8Array.of(0x61, 0xe2), mask: 5, fin: false }),
          ...renderFrame({ opcode: 0, payload: Uint8Array.of(0x82, 0xac, 0xff), mask: 5 }),
        ]),
        1007,
      ],
      [
        "a character cut by the end of the message",
        renderFrame({ opcode: 1, payload: Uint8Array.of(0x61, 0xf0, 0x9f), mask: 5 }),
        1007,
      ],
      ["RSV1", renderFrame({ opcode: 1, payload: encoder.encode("x"), mask: 5, rsv: 0x40 }), 1002],
    ];
    for (const [name, frames, code] of cases) {
      const conn = await openWs(port);
      await conn.write(frames);
      const reply = await readUntil(conn, () => false);
      conn.close();
      assert.equal(closeCode(reply), code, name);
    }
    // valid UTF-8 text, split over fragments, is fine: the connection stays open
    const good = await openWs(port);
    await good.write(
      new Uint8Array([
        ...renderFrame({ opcode: 1, payload: Uint8Array.of(0x61, 0xe2), mask: 5, fin: false }),
        ...renderFrame({ opcode: 0, payload: Uint8Array.of(0x82, 0xac), mask: 5 }),
        ...renderFrame({ opcode: 9, payload: encoder.encode("k"), mask: 5 }),
      ]),
    );
    const pong = await readUntil(good, (b) => b.length >= 3);
    assert.deepEqual([...pong.subarray(0, 3)], [0x8a, 0x01, 0x6b]);
    const run = await finish(kali);
    good.close();
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /text message is not UTF-8; closing with 1007/);
    assert.match(run.stderr, /ends inside a UTF-8 character; closing with 1007/);
    assert.match(run.stderr, /RSV bits set without a negotiated extension; closing with 1002/);
  } catch (error) {
    kali.kill("SIGKILL");
    await kali.status;
    throw error;
  }
});
