/**
 * kali as a WebSocket client against servers written by others, measuring
 * latency with `--latency-marker` on echoed messages: Deno's
 * `Deno.upgradeWebSocket`, the npm `ws` server, and Debian's
 * python3-websockets (installed by scripts/install_peers.sh).
 */
import assert from "node:assert/strict";
import { reportBytes, runKali } from "../../_helpers/kali.ts";
import {
  denoEchoServer,
  type EchoServer,
  hasPythonWebsockets,
  pythonEchoServer,
  wsEchoServer,
} from "../../_helpers/websocket_peers.ts";

async function latencyRunAgainst(server: EchoServer): Promise<void> {
  try {
    const run = await runKali([
      "--ws",
      "-m",
      "hello",
      "-r",
      "50",
      "--latency-marker",
      "hello",
      "-H",
      "X-Test: kali",
      "-T",
      "1",
      `127.0.0.1:${server.port}/echo/here`,
    ], { timeoutMs: 20000 });
    assert.equal(run.code, 0, `${server.name}: ${run.stderr}`);
    assert.match(run.stdout, /^Message latency at percentiles: [\d./]+ ms \(95\/99\/99\.5%\)$/m);
    // About 50 messages in one second; every one came back as "hello".
    await new Promise((r) => setTimeout(r, 200)); // let the server see the close
    assert.ok(server.messages.length >= 35, `${server.name} got ${server.messages.length}`);
    assert.ok(server.messages.every((m) => m === "hello"), server.messages.join(","));
    // Every echoed message is a 7-byte server frame; the rest is the 101 response.
    const received = reportBytes(run.stdout, "received");
    assert.ok(received >= 7 * 35, `received ${received}`);
    // kali ends the run with a close handshake (tcpkali just drops the socket).
    assert.deepEqual(server.closeCodes, [1000]);
    assert.ok(server.paths[0].startsWith("/echo/here"), server.paths.join(","));
  } finally {
    await server.stop();
  }
}

Deno.test("kali client with --latency-marker against Deno.upgradeWebSocket", async () => {
  const server = denoEchoServer();
  await latencyRunAgainst(server);
  assert.deepEqual(server.testHeaders, ["kali"]);
});

Deno.test("kali client with --latency-marker against the npm ws server", async () => {
  const server = await wsEchoServer();
  await latencyRunAgainst(server);
  assert.deepEqual(server.testHeaders, ["kali"]);
});

Deno.test({
  name: "kali client with --latency-marker against python3-websockets",
  ignore: !hasPythonWebsockets(),
  fn: async () => {
    await latencyRunAgainst(await pythonEchoServer());
  },
});

Deno.test("a server that refuses the upgrade fails the connection", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("no", { status: 403 }),
  );
  try {
    const run = await runKali([
      "-v",
      "--ws",
      "-m",
      "x",
      "-T",
      "0.5",
      `127.0.0.1:${server.addr.port}`,
    ]);
    assert.match(
      run.stderr,
      /WebSocket handshake with .* failed: server answered "HTTP\/1\.1 403 Forbidden"/,
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("-H values and the path may hold per-connection expressions", async () => {
  const server = denoEchoServer();
  try {
    const run = await runKali([
      "--ws",
      "-c2",
      "-H",
      "X-Test: id-\\{connection.uid}",
      "-T",
      "0.5",
      `127.0.0.1:${server.port}/p\\{connection.uid}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([...server.testHeaders].sort(), ["id-1", "id-2"]);
    assert.deepEqual([...server.paths].sort(), ["/p1", "/p2"]);
  } finally {
    await server.stop();
  }
});
