/**
 * The codecs against the runtime's own WebSocket implementation (written by
 * others): kali's client bytes to `Deno.upgradeWebSocket`, and the runtime's
 * `WebSocket` client to kali's listener handshake and server frames.
 */
import assert from "node:assert/strict";
import {
  buildUpgradeRequest,
  UpgradeResponseReader,
} from "../../../src/transport/websocket_client_handshake.ts";
import { UpgradeRequestReader } from "../../../src/transport/websocket_listener_handshake.ts";
import { WebSocketFrameParser } from "../../../src/transport/websocket_frame_parser.ts";
import { Opcode, renderFrame, renderFrames } from "../../../src/transport/websocket_frame.ts";
import { buildCloseFrame } from "../../../src/transport/websocket_close.ts";

const text = new TextEncoder();
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

Deno.test("kali's client bytes against Deno.upgradeWebSocket", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event) => socket.send(`echo:${event.data}`);
    socket.onclose = () => {};
    return response;
  });
  const port = server.addr.port;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await writeAll(
      conn,
      buildUpgradeRequest({ hostHeader: `127.0.0.1:${port}`, path: "", headers: [] }),
    );
    const handshake = new UpgradeResponseReader();
    const events: string[] = [];
    let payload = "";
    const parser = new WebSocketFrameParser({
      payload(b, from, to, frame) {
        if (frame.opcode < Opcode.close) payload += decode(b.subarray(from, to));
      },
      message() {
        events.push(`message ${payload}`);
        payload = "";
      },
      pong(p) {
        events.push(`pong ${decode(p)}`);
      },
      close(code) {
        events.push(`close ${code}`);
      },
    }, { side: "client" });

    // A fragmented, really masked message with a ping in the middle, then a close.
    const frames = renderFrames([
      { opcode: Opcode.text, payload: text.encode("hel"), fin: false, mask: 0x9a7b3c1d },
      { opcode: Opcode.ping, payload: text.encode("p1"), mask: 0x12345678 },
      { opcode: Opcode.continuation, payload: text.encode("lo"), mask: 0x0f0f0f0f },
      { opcode: Opcode.text, payload: text.encode("x".repeat(300)), mask: 0 },
    ]);
    let upgraded = false;
    let sentClose = false;
    const buffer = new Uint8Array(16384);
    while (!parser.closeReceived) {
      const n = await conn.read(buffer);
      assert.notEqual(n, null, "server closed early");
      let from = 0;
      if (!upgraded) {
        const progress = handshake.feed(buffer, 0, n!);
        if (progress.kind === "incomplete") continue;
        assert.equal(progress.kind, "accepted");
        if (progress.kind !== "accepted") return;
        upgraded = true;
        from = progress.consumed;
        await writeAll(conn, frames);
      }
      assert.equal(parser.push(buffer, from, n!), 0, parser.error);
      if (parser.messages === 2 && !sentClose) {
        sentClose = true;
        await writeAll(conn, buildCloseFrame({ side: "client", code: 1000, mask: 0x01020304 }));
      }
    }
    assert.deepEqual(events, [
      "pong p1",
      "message echo:hello",
      `message echo:${"x".repeat(300)}`,
      "close 1000",
    ]);
  } finally {
    conn.close();
    await server.shutdown();
  }
});

Deno.test("Deno's WebSocket client against kali's listener handshake and server frames", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serve = (async () => {
    const conn = await listener.accept();
    const buffer = new Uint8Array(16384);
    const reader = new UpgradeRequestReader({ strictKey: true });
    let upgraded = false;
    const parser = new WebSocketFrameParser({
      message() {
        const reply = renderFrame({ opcode: Opcode.text, payload: text.encode(received) });
        received = "";
        writes = writes.then(() => writeAll(conn, reply));
      },
      payload(b, from, to) {
        received += decode(b.subarray(from, to));
      },
      close() {
        writes = writes.then(() => writeAll(conn, buildCloseFrame({ side: "server", code: 1000 })));
      },
    }, { side: "server" });
    let received = "";
    let writes = Promise.resolve();
    try {
      while (true) {
        const n = await conn.read(buffer);
        if (n === null) break;
        let from = 0;
        if (!upgraded) {
          const progress = reader.feed(buffer, 0, n);
          if (progress.kind === "incomplete") continue;
          assert.equal(progress.kind, "upgrade");
          if (progress.kind !== "upgrade") break;
          await writeAll(conn, progress.response);
          upgraded = true;
          from = progress.consumed;
        }
        assert.equal(parser.push(buffer, from, n), 0, parser.error);
      }
      await writes;
    } finally {
      conn.close();
    }
  })();

  const { port } = listener.addr as Deno.NetAddr;
  const socket = new WebSocket(`ws://127.0.0.1:${port}/x`);
  const replies: string[] = [];
  const closed = new Promise<number>((resolve) => {
    socket.onclose = (event) => resolve(event.code);
  });
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  socket.onmessage = (event) => {
    replies.push(event.data);
    if (replies.length === 2) socket.close(1000);
  };
  socket.send("one");
  socket.send("two".repeat(50000));
  assert.equal(await closed, 1000);
  await serve;
  listener.close();
  assert.deepEqual(replies, ["one", "two".repeat(50000)]);
});
