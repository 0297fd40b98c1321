/**
 * kali --ssl against TLS implementations written by others: openssl
 * s_server and s_client, and nginx, each started by the test on loopback.
 */
import assert from "node:assert/strict";
import { freePort, reportBytes, runKali, waitForPort } from "../../_helpers/kali.ts";
import { makeCertificate, NGINX, startNginx, startSServer } from "../../_helpers/tls_peers.ts";

const certs = await makeCertificate();
const secondCerts = await makeCertificate("/CN=by-sni");

Deno.test("kali client -> openssl s_server: the bytes arrive, SNI carries the host as typed", async () => {
  // s_server switches to its second certificate when SNI says "localhost".
  const server = await startSServer(certs, [
    "-servername",
    "localhost",
    "-cert2",
    secondCerts.cert,
    "-key2",
    secondCerts.key,
  ]);
  let output = "";
  try {
    const run = await runKali([
      "--ssl",
      "-1",
      "HELLO-S-SERVER",
      `localhost:${server.port}`,
      "-T",
      "1",
    ]);
    // The report counts the steady phase only (as tcpkali), and a first
    // message may go out during ramp-up: what s_server printed is the check.
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Ramped up to 1 connections/);
  } finally {
    output = await server.stop();
  }
  assert.match(output, /Hostname in TLS extension: "localhost"/);
  assert.match(output, /HELLO-S-SERVER/);
});

Deno.test("kali client -> openssl s_server -www with -r: responses are received", async () => {
  const server = await startSServer(certs, ["-www"]);
  try {
    const run = await runKali([
      "--ssl",
      "-em",
      "GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
      "-r",
      "2",
      `127.0.0.1:${server.port}`,
      "-T",
      "2",
    ]);
    assert.ok(reportBytes(run.stdout, "sent") >= 27, run.stderr);
    assert.ok(reportBytes(run.stdout, "received") > 0, run.stdout);
  } finally {
    await server.stop();
  }
});

Deno.test("openssl s_client -> kali --ssl -l --listen-mode=active -m SRVHELLO -r 2", async () => {
  const port = freePort();
  const kali = runKali([
    "--ssl",
    "--ssl-cert",
    certs.cert,
    "--ssl-key",
    certs.key,
    "-l",
    `127.0.0.1:${port}`,
    "--listen-mode=active",
    "-m",
    "SRVHELLO",
    "-r",
    "2",
    "-T",
    "4",
  ]);
  await waitForPort(port);
  const client = new Deno.Command("openssl", {
    args: ["s_client", "-connect", `127.0.0.1:${port}`, "-quiet"],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = client.stdin.getWriter();
  await writer.write(new TextEncoder().encode("client data\n"));
  await new Promise((resolve) => setTimeout(resolve, 2000));
  client.kill("SIGTERM");
  const output = await client.output();
  const run = await kali;
  const seen = new TextDecoder().decode(output.stdout);
  assert.ok(seen.split("SRVHELLO").length - 1 >= 2, `s_client saw ${JSON.stringify(seen)}`);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(reportBytes(run.stdout, "received"), 12); // "client data\n", plaintext
  assert.ok(reportBytes(run.stdout, "sent") >= 16);
});

const haveNginx = await Deno.stat(NGINX).then(() => true, () => false);

Deno.test({
  name: "kali client -> nginx over TLS: HTTP requests at a rate get responses",
  ignore: !haveNginx,
  async fn() {
    const nginx = await startNginx(certs);
    let log = "";
    try {
      const run = await runKali([
        "--ssl",
        "-em",
        "GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
        "-r",
        "5",
        `127.0.0.1:${nginx.port}`,
        "-T",
        "2",
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(reportBytes(run.stdout, "sent") >= 27 * 5);
      assert.ok(reportBytes(run.stdout, "received") > 0, run.stdout);
    } finally {
      log = await nginx.stop();
    }
    assert.match(log, /"GET \/ HTTP\/1\.1" 200/);
  },
});

globalThis.addEventListener("unload", () => {
  Deno.removeSync(certs.dir, { recursive: true });
  Deno.removeSync(secondCerts.dir, { recursive: true });
});
