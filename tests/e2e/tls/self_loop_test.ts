/**
 * kali --ssl against itself: client and listener in one process, a message
 * rate (tcpkali's TLS client sent nothing with -r), wss, pre-flight errors
 * and a failed handshake.
 */
import assert from "node:assert/strict";
import { freePort, reportBytes, runKali, spawnKali, waitForPort } from "../../_helpers/kali.ts";
import { makeCertificate } from "../../_helpers/tls_peers.ts";

const certs = await makeCertificate();
const tlsFiles = ["--ssl-cert", certs.cert, "--ssl-key", certs.key];

Deno.test({
  name: "TLS self-loop: client and listener in one process move data both ways",
  sanitizeResources: false,
  async fn() {
    const port = freePort();
    const run = await runKali([
      "--ssl",
      ...tlsFiles,
      "-l",
      `127.0.0.1:${port}`,
      `127.0.0.1:${port}`,
      "-m",
      "hello",
      "-T",
      "2",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const sent = reportBytes(run.stdout, "sent");
    assert.ok(sent > 1_000_000, `sent only ${sent} bytes`);
    const received = reportBytes(run.stdout, "received");
    assert.ok(received > sent * 0.9, `received ${received} of ${sent}`);
  },
});

Deno.test("TLS with -r: the client sends at the rate (tcpkali did not)", async () => {
  const port = freePort();
  const run = await runKali([
    "--ssl",
    ...tlsFiles,
    "-l",
    `127.0.0.1:${port}`,
    `127.0.0.1:${port}`,
    "-m",
    "hello",
    "-r",
    "10",
    "-T",
    "2",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const sent = reportBytes(run.stdout, "sent");
  // 10 msg/s × 5 bytes for 2 s (plaintext bytes: TLS records are not counted).
  assert.ok(sent >= 90 && sent <= 110, `sent ${sent} bytes`);
  assert.equal(sent % 5, 0);
});

Deno.test("--nagle with a TLS listener warns that accepted connections keep Nagle", async () => {
  const port = freePort();
  const args = ["--ssl", ...tlsFiles, "-l", `127.0.0.1:${port}`, "-T", "0.2"];
  const warning = "WARNING: --nagle makes no effect on connections accepted over TLS.";
  const withNagle = await runKali([...args, "--nagle", "off"]);
  assert.equal(withNagle.code, 0, withNagle.stderr);
  assert.equal(withNagle.stderr.split("\n").filter((l) => l === warning).length, 1);
  const without = await runKali(args);
  assert.equal(without.code, 0, without.stderr);
  assert.ok(!without.stderr.includes("--nagle"), without.stderr);
});

Deno.test("wss: --ws --ssl self-loop", async () => {
  const port = freePort();
  const run = await runKali([
    "--ws",
    "--ssl",
    ...tlsFiles,
    "-l",
    `127.0.0.1:${port}`,
    `127.0.0.1:${port}`,
    "-m",
    "hello",
    "-r",
    "5",
    "-T",
    "2",
  ]);
  assert.equal(run.code, 0, run.stderr);
  // The upgrade request, then 10 frames of 5+6 bytes; the listener's 101 response comes back.
  const sent = reportBytes(run.stdout, "sent");
  assert.ok(sent > 100, `sent ${sent}`);
  assert.ok(reportBytes(run.stdout, "received") > 100);
});

Deno.test("pre-flight: missing cert.pem or key.pem, tcpkali's texts, exit 64", async () => {
  const empty = await Deno.makeTempDir({ prefix: "kali-tls-empty-" });
  try {
    const port = String(freePort());
    const noCert = await runKali(["--ssl", "-l", port, "-T", "1"], { cwd: empty });
    assert.equal(noCert.code, 64);
    assert.equal(noCert.stderr, "cert.pem: Can not access X.509 certificate file.\n");
    await Deno.copyFile(certs.cert, `${empty}/cert.pem`);
    const noKey = await runKali(["--ssl", "-l", port, "-T", "1"], { cwd: empty });
    assert.equal(noKey.code, 64);
    assert.equal(noKey.stderr, "key.pem: Can not access SSL private key file\n");
    await Deno.copyFile(certs.key, `${empty}/key.pem`);
    const defaults = await runKali(["--ssl", "-l", `127.0.0.1:${port}`, "-T", "1"], { cwd: empty });
    assert.equal(defaults.code, 0, defaults.stderr);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("pre-flight: a client alone needs no certificate files", async () => {
  const empty = await Deno.makeTempDir({ prefix: "kali-tls-empty-" });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    const run = await runKali(
      ["--ssl", `127.0.0.1:${port}`, "-T", "1", "--connect-timeout", "0.3"],
      { cwd: empty },
    );
    assert.notEqual(run.code, 64, run.stderr);
    assert.doesNotMatch(run.stderr, /Can not access/);
  } finally {
    listener.close();
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("an invalid certificate: one line naming the file before any traffic, exit 1", async () => {
  const junk = `${certs.dir}/junk.pem`;
  await Deno.writeTextFile(junk, "not a certificate\n");
  const port = freePort();
  const run = await runKali([
    "--ssl",
    "--ssl-cert",
    junk,
    "--ssl-key",
    certs.key,
    "-l",
    `127.0.0.1:${port}`,
    `127.0.0.1:${port}`,
    "-m",
    "x",
    "-T",
    "1",
  ]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, new RegExp(`^${junk}: .*certificate`, "m"));
  assert.doesNotMatch(run.stdout, /Total data/);
});

Deno.test("a failed handshake is a connection failure, logged at -v; the run completes", async () => {
  // A plain kali listener that answers the ClientHello with plaintext.
  const port = freePort();
  const listener = spawnKali([
    "-l",
    `127.0.0.1:${port}`,
    "--listen-mode=active",
    "-m",
    "not TLS",
    "-T",
    "4",
  ], { quiet: true });
  try {
    await waitForPort(port);
    const run = await runKali([
      "--ssl",
      "-v",
      `127.0.0.1:${port}`,
      "-m",
      "x",
      "-T",
      "1",
      "--connect-rate",
      "10",
    ]);
    assert.match(run.stdout, /^Total data sent: +0 bytes/m);
    assert.match(
      run.stderr,
      new RegExp(`Closing \\[127\\.0\\.0\\.1\\]:${port}: TLS handshake failed`),
    );
    assert.match(run.stderr, /Could not create 1 connection/);
    assert.equal(run.code, 1);
  } finally {
    listener.kill("SIGTERM");
    await listener.status;
  }
});

Deno.test("a plain client against a TLS listener: the listener logs it and runs on", async () => {
  const port = freePort();
  const listening = runKali(["--ssl", ...tlsFiles, "-v", "-l", `127.0.0.1:${port}`, "-T", "3"]);
  await waitForPort(port);
  const client = await runKali([`127.0.0.1:${port}`, "-m", "plain text", "-T", "1"]);
  assert.ok(reportBytes(client.stdout, "sent") > 0, client.stderr);
  const run = await listening;
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /Closing \[127\.0\.0\.1\]:\d+: /);
  assert.match(run.stdout, /^Test duration: /m);
});

globalThis.addEventListener("unload", () => {
  Deno.removeSync(certs.dir, { recursive: true });
});
