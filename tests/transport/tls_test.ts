import assert from "node:assert/strict";
import { PermissionError, UsageError } from "../../src/errors.ts";
import { listenTls, serverName } from "../../src/transport/tls.ts";
import { loadListenerCertificate } from "../../src/transport/tls_certificate.ts";
import { makeCertificate } from "../_helpers/tls_peers.ts";

Deno.test("serverName: host names go into SNI, IP addresses do not", () => {
  assert.equal(serverName("localhost"), "localhost");
  assert.equal(serverName("example.com"), "example.com");
  assert.equal(serverName("127.0.0.1"), undefined);
  assert.equal(serverName("::1"), undefined);
  assert.equal(serverName("[::1]"), undefined);
});

Deno.test("loadListenerCertificate: tcpkali's pre-flight errors, exit 64", async () => {
  const certs = await makeCertificate();
  try {
    const loaded = loadListenerCertificate(certs.cert, certs.key);
    assert.match(loaded.cert, /BEGIN CERTIFICATE/);
    assert.match(loaded.key, /PRIVATE KEY/);
    assert.throws(
      () => loadListenerCertificate(`${certs.dir}/none.pem`, certs.key),
      (e: unknown) =>
        e instanceof UsageError && e.exitCode === 64 &&
        e.message === `${certs.dir}/none.pem: Can not access X.509 certificate file.`,
    );
    assert.throws(
      () => loadListenerCertificate(certs.cert, `${certs.dir}/none.pem`),
      (e: unknown) =>
        e instanceof UsageError && e.exitCode === 64 &&
        e.message === `${certs.dir}/none.pem: Can not access SSL private key file`,
    );
  } finally {
    await Deno.remove(certs.dir, { recursive: true });
  }
});

Deno.test({
  name: "loadListenerCertificate: a file outside --allow-read is a permission error",
  permissions: { read: false },
  fn() {
    assert.throws(
      () => loadListenerCertificate("/nope/cert.pem", "/nope/key.pem"),
      PermissionError,
    );
  },
});

Deno.test("listenTls: an invalid certificate or key names the file, exit 1", async () => {
  const certs = await makeCertificate();
  const junk = `${certs.dir}/junk.pem`;
  await Deno.writeTextFile(junk, "junk\n");
  const where = { hostname: "127.0.0.1", port: 0 };
  const good = loadListenerCertificate(certs.cert, certs.key);
  try {
    assert.throws(
      () => listenTls(where, { ...good, cert: "junk\n", certFile: junk }),
      (e: unknown) =>
        e instanceof UsageError && e.exitCode === 1 && e.message.startsWith(`${junk}: `),
    );
    assert.throws(
      () => listenTls(where, { ...good, key: "junk\n", keyFile: junk }),
      (e: unknown) =>
        e instanceof UsageError && e.exitCode === 1 && e.message.startsWith(`${junk}: `),
    );
    const listener = listenTls(where, good);
    listener.close();
  } finally {
    await Deno.remove(certs.dir, { recursive: true });
  }
});
