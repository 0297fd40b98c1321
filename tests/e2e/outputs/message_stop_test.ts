/**
 * --message-stop: exit 2 on the first match in
 * received data, with tcpkali's two lines and no report.
 */
import assert from "node:assert/strict";
import { freePort, runKali, spawnKali, waitForPort } from "../../_helpers/kali.ts";

Deno.test("--message-stop against a kali --listen-mode=active listener", async () => {
  const port = freePort();
  const server = spawnKali([
    "--listen-mode=active",
    "-m",
    "HELLO STOP ZZ",
    "-r",
    "1",
    "-l",
    `127.0.0.1:${port}`,
    "-T",
    "5",
  ], { quiet: true });
  try {
    await waitForPort(port);
    const run = await runKali(["-T2", "-c", "1", "--message-stop", "STOP", `127.0.0.1:${port}`]);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, 'Found --message-stop="STOP", aborting.\n');
    assert.match(run.stderr, /^Last packet\(13\): \[HELLO STOP ZZ\]$/m);
    assert.ok(!run.stdout.includes("Total data"));
  } finally {
    server.kill("SIGKILL");
    await server.status;
  }
});

Deno.test("--message-stop matches across reads; -e unescapes it", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const serve = (async () => {
    const conn = await listener.accept();
    const enc = new TextEncoder();
    await conn.write(enc.encode("HELLO S\n"));
    await new Promise((r) => setTimeout(r, 300));
    await conn.write(enc.encode("TOP ZZ"));
    await new Promise((r) => setTimeout(r, 1500));
    conn.close();
  })();
  try {
    const run = await runKali(["-T3", "-e", "--message-stop", "S\\nTOP", `127.0.0.1:${port}`]);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, 'Found --message-stop="S\\n\n\tTOP", aborting.\n');
    assert.match(run.stderr, /^Last packet\(6\): \[TOP ZZ\]$/m);
  } finally {
    await serve.catch(() => {});
    listener.close();
  }
});

Deno.test("silent accepted connections are not scanned", async () => {
  const port = freePort();
  const run = await runKali([
    "--message-stop",
    "llo",
    "-m",
    "hello",
    "-r",
    "10",
    "-l",
    String(port),
    `127.0.0.1:${port}`,
    "-T",
    "0.5",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Total data sent: /m);
});
