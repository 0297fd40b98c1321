/**
 * `--ws` end to end in one kali process (client and listener): the byte
 * totals of tcpkali's own operation tests.
 */
import assert from "node:assert/strict";
import { reportBytes, runKali } from "../../_helpers/kali.ts";

/** A free loopback port with four digits, so the Host header is `127.1:NNNN` as in tcpkali's tests. */
function freeFourDigitPort(): number {
  for (let port = 1235; port < 9999; port++) {
    try {
      const listener = Deno.listen({ hostname: "127.0.0.1", port });
      listener.close();
      return port;
    } catch { /* in use */ }
  }
  throw new Error("no free four-digit port");
}

Deno.test("empty --ws self-loop: 149 bytes sent, 278 received (7.5)", async () => {
  const port = freeFourDigitPort();
  const run = await runKali(["-vv", "--ws", "-w2", "-T1", `-l127.1:${port}`, `127.1:${port}`]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^Total data sent: {5}149 bytes \(149 bytes\)$/m);
  assert.match(run.stdout, /^Total data received: 278 bytes \(278 bytes\)$/m);
});

Deno.test("--ws --first-message ABC self-loop: 158 sent, 287 received (7.5)", async () => {
  const port = freeFourDigitPort();
  const run = await runKali([
    "-vv",
    "--ws",
    "--first-message",
    "ABC",
    "-w2",
    "-T1",
    `-l127.1:${port}`,
    `127.1:${port}`,
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(reportBytes(run.stdout, "sent"), 158);
  assert.equal(reportBytes(run.stdout, "received"), 287);
});

Deno.test("the Host header is the operand as typed: a 5-digit port adds a byte each way", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const digits = String(port).length;
  const run = await runKali(["--ws", "-w2", "-T1", `-l127.1:${port}`, `127.1:${port}`]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(reportBytes(run.stdout, "sent"), 145 + digits);
  assert.equal(reportBytes(run.stdout, "received"), 274 + digits);
});

Deno.test("--ws self-loop with -m: the listener parses frames and the run ends cleanly", async () => {
  const port = freeFourDigitPort();
  const run = await runKali([
    "-v",
    "--ws",
    "-m",
    "x".repeat(64),
    "-c4",
    "-w2",
    "-T1",
    `-l127.1:${port}`,
    `127.1:${port}`,
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /protocol error/);
  const sent = reportBytes(run.stdout, "sent");
  assert.ok(sent > 100_000, `sent only ${sent} bytes`);
});
