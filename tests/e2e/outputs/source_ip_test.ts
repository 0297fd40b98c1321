/**
 * --source-ip: outgoing connections bound round
 * robin, as seen by a listener the test runs. Loopback addresses only.
 */
import assert from "node:assert/strict";
import { runKali } from "../../_helpers/kali.ts";
import { BoundConn, connectBound } from "../../../src/transport/bound_socket.ts";

Deno.test("connections come from 127.0.0.2 and 127.0.0.3, round robin", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const peers: string[] = [];
  let received = 0;
  const readers: Promise<void>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      peers.push((conn.remoteAddr as Deno.NetAddr).hostname);
      readers.push((async () => {
        const buffer = new Uint8Array(65536);
        for (;;) {
          const n = await conn.read(buffer).catch(() => null);
          if (n === null) break;
          received += n;
        }
        try {
          conn.close();
        } catch { /* closed */ }
      })());
    }
  })();
  const run = await runKali([
    "--source-ip",
    "127.0.0.2",
    "--source-ip",
    "127.0.0.3",
    "-w",
    "1",
    "-c",
    "4",
    "-m",
    "hello",
    "-r",
    "10",
    `127.0.0.1:${port}`,
    "-T",
    "1",
  ]);
  listener.close();
  await accepting.catch(() => {});
  await Promise.all(readers);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^Source IP: \[127\.0\.0\.2\]:0\nSource IP: \[127\.0\.0\.3\]:0$/m);
  assert.deepEqual(peers, ["127.0.0.2", "127.0.0.3", "127.0.0.2", "127.0.0.3"]);
  const sent = Number(/^Total data sent: .*\((\d+) bytes\)$/m.exec(run.stdout)![1]);
  assert.ok(sent > 0 && received >= sent, `sent ${sent}, listener got ${received}`);
});

Deno.test("BoundConn reads, writes, sees EOF and refusals like Deno.TcpConn", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const echo = (async () => {
    const conn = await listener.accept();
    const buffer = new Uint8Array(100);
    const n = (await conn.read(buffer))!;
    await conn.write(buffer.subarray(0, n));
    conn.close();
  })();
  const conn: BoundConn = await connectBound({
    hostname: "127.0.0.1",
    port,
    localAddress: "127.0.0.5",
  });
  assert.equal(conn.localAddr.hostname, "127.0.0.5");
  assert.equal(await conn.write(new TextEncoder().encode("ping!")), 5);
  const buffer = new Uint8Array(3);
  assert.equal(await conn.read(buffer), 3);
  assert.equal(new TextDecoder().decode(buffer), "pin");
  assert.equal(await conn.read(buffer), 2);
  assert.equal(await conn.read(buffer), null);
  conn.close();
  await echo;
  listener.close();
  await assert.rejects(
    connectBound({ hostname: "127.0.0.1", port, localAddress: "127.0.0.5" }),
    Deno.errors.ConnectionRefused,
  );
});
