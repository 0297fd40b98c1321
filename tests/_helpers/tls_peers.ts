/**
 * TLS test fixtures: certificates made at test time with openssl, and
 * openssl s_server / nginx started and stopped by the tests.
 *
 * @module
 */
import { drain, freePort, selfSignedCertificate, waitForPort } from "../../scripts/bench_proc.ts";

/** A temporary directory with a fresh self-signed RSA-2048 `cert.pem` and `key.pem`. */
export interface CertDir {
  dir: string;
  cert: string;
  key: string;
}

/**
 * A self-signed certificate that Deno's own TLS client accepts given as
 * `caCerts` (`makeCertificate(subject, END_ENTITY)`): not a CA (rustls
 * refuses a CA certificate as the server's with `CaUsedAsEndEntity`), with
 * the names it checks in subjectAltName.
 */
export const END_ENTITY = [
  "basicConstraints=critical,CA:FALSE",
  "subjectAltName=DNS:localhost,IP:127.0.0.1",
];

/**
 * Makes a self-signed certificate for `subject` in a new temporary
 * directory; `extensions` are further `-addext` values.
 */
export async function makeCertificate(
  subject = "/CN=localhost",
  extensions: string[] = [],
): Promise<CertDir> {
  const dir = await Deno.makeTempDir({ prefix: "kali-tls-" });
  const { cert, key } = await selfSignedCertificate(dir, subject, extensions);
  return { dir, cert, key };
}

/** A running peer process whose output is collected. */
export interface Peer {
  port: number;
  /** Stops the peer and returns what it printed on stdout and stderr. */
  stop(): Promise<string>;
}

async function waitFor(condition: () => boolean, what: string, ms = 10000): Promise<void> {
  const until = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * `openssl s_server` on a free loopback port; `extra` are further s_server
 * options (`-www`, `-servername …`). Its stdin stays open (s_server stops at
 * end of input); without `-www` it prints what the client sent.
 */
export async function startSServer(certs: CertDir, extra: string[] = []): Promise<Peer> {
  const port = freePort();
  const child = new Deno.Command("openssl", {
    args: [
      "s_server",
      "-accept",
      `127.0.0.1:${port}`,
      "-cert",
      certs.cert,
      "-key",
      certs.key,
      ...extra,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = collectOutput(child);
  await waitFor(() => output.text.includes("ACCEPT"), "s_server to listen");
  return { port, stop: () => output.stop("SIGTERM") };
}

/** A child's stdout and stderr, collected as one text while it runs. */
interface CollectedOutput {
  readonly text: string;
  /** Resolves once both streams ended. */
  readonly done: Promise<unknown>;
  /** Sends `signal` (if the child still runs), waits for it to end, returns the text. */
  stop(signal: Deno.Signal): Promise<string>;
}

function collectOutput(child: Deno.ChildProcess): CollectedOutput {
  let text = "";
  const collect = (piece: string) => text += piece;
  const done = Promise.all([drain(child.stdout, collect), drain(child.stderr, collect)]);
  return {
    get text() {
      return text;
    },
    done,
    async stop(signal) {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
      await child.status;
      await done;
      return text;
    },
  };
}

/** Where Debian's nginx-light puts the binary. */
export const NGINX = "/usr/sbin/nginx";

/**
 * nginx serving HTTPS on a free 127.0.0.1 port with the given certificate,
 * from its own configuration in the certificate's directory (`daemon off`,
 * pid, logs and temporary files there too).
 */
export async function startNginx(certs: CertDir): Promise<Peer> {
  const port = freePort();
  const dir = certs.dir;
  const conf = `${dir}/nginx.conf`;
  await Deno.writeTextFile(
    conf,
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 64; }
http {
  access_log ${dir}/nginx-access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${certs.cert};
    ssl_certificate_key ${certs.key};
    location / { return 200 "hello from nginx\\n"; }
  }
}
`,
  );
  const child = new Deno.Command(NGINX, {
    args: ["-p", dir, "-c", conf, "-e", `${dir}/nginx-error.log`],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = collectOutput(child);
  let exited = false;
  child.status.then(() => exited = true);
  await waitFor(() => exited, "nginx", 200).catch(() => {});
  if (exited) {
    await output.done;
    throw new Error(`nginx exited: ${output.text}`);
  }
  await waitForPort(port, 10000);
  return {
    port,
    async stop() {
      const text = await output.stop("SIGQUIT");
      return text + await Deno.readTextFile(`${dir}/nginx-access.log`).catch(() => "");
    },
  };
}
