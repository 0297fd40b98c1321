/**
 * TLS for `--ssl` (tcpkali's `--ssl`, `--ssl-cert`, `--ssl-key`): binding the
 * listener, the client's server name (SNI), the client connect, and closing
 * with a close_notify alert. The certificate files are read in
 * `tls_certificate.ts`.
 *
 * Certificate verification. tcpkali's client never verifies the server's
 * certificate, and neither does kali's. Deno's own TLS client
 * (`Deno.connectTls`, `Deno.startTls`) cannot skip verification per call:
 * its only knobs are `caCerts` (a self-signed `openssl req -x509` certificate
 * is a CA certificate, and given as `caCerts` it is still refused with
 * `CaUsedAsEndEntity`) and `unsafelyDisableHostnameVerification` (the chain
 * is still verified); skipping verification needs the process-wide
 * `--unsafely-ignore-certificate-errors[=hosts]` flag. Deno's `node:tls`
 * does honour `rejectUnauthorized: false` per connection, and moves data as
 * fast on loopback, so kali's client connects with `node:tls` and accepts any
 * certificate, without a flag. The listener side uses `Deno.listenTls`.
 *
 * @module
 */
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from "node:tls";
import { type BoundConn, settleConnect } from "./bound_socket.ts";
import { EXIT, fromNodeSocketError, UsageError } from "../errors.ts";
import { ipVersion } from "../shared/address.ts";
import type { ListenerCertificate } from "./tls_certificate.ts";

/**
 * Binds a TLS listener. An invalid certificate or key is a one-line error
 * naming the file, exit 1 (tcpkali: OpenSSL's error string, exit 1); any
 * other failure (address in use, permission) is rethrown as it is.
 */
export function listenTls(
  address: { hostname: string; port: number },
  certificate: ListenerCertificate,
): Deno.TlsListener {
  try {
    return Deno.listenTls({ ...address, cert: certificate.cert, key: certificate.key });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const isNetError = error instanceof Deno.errors.AddrInUse ||
      error instanceof Deno.errors.AddrNotAvailable ||
      error instanceof Deno.errors.PermissionDenied ||
      error instanceof Deno.errors.NotCapable;
    if (isNetError || !/certificate|key/i.test(message)) throw error;
    const file = /certificate/i.test(message) ? certificate.certFile : certificate.keyFile;
    throw new UsageError(`${file}: ${message}`, EXIT.failure);
  }
}

/**
 * The server name a client sends in SNI: the destination's host as typed
 * (`localhost` in `localhost:443`), or undefined for an IP address, which
 * SNI cannot carry (RFC 6066).
 */
export function serverName(host: string): string | undefined {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare === "" || ipVersion(bare) !== 0) return undefined;
  return bare;
}

/** Where and how a TLS client connects. */
export interface TlsConnectOptions {
  /** Numeric address to connect to. */
  hostname: string;
  port: number;
  /** SNI; undefined: none. */
  serverName?: string;
  /** Local address to bind (`--source-ip`); undefined: any. */
  localAddress?: string;
  /** Aborts the connect and the handshake (`--connect-timeout`, end of run). */
  signal?: AbortSignal;
}

/**
 * Opens a TCP connection and completes the TLS handshake, accepting any
 * server certificate (as tcpkali does). Resolves once the handshake is done;
 * rejects on a TCP or handshake failure, or when aborted (with the signal's
 * reason). The connection reads and writes plaintext application bytes.
 */
export function connectTls(options: TlsConnectOptions): Promise<BoundConn> {
  const socket: TLSSocket = tlsConnect({
    host: options.hostname,
    port: options.port,
    servername: options.serverName,
    rejectUnauthorized: false,
    // node passes these on to net.connect; its types for tls.connect omit localAddress.
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
  } as ConnectionOptions);
  return settleConnect(socket, "secureConnect", {
    signal: options.signal,
    translate: handshakeError,
  });
}

/**
 * How long closing a TLS connection may wait for its close_notify alert to
 * go out before the socket is closed anyway (a stalled peer, a full send
 * buffer): the end of a run waits at most this long for it.
 */
export const TLS_CLOSE_MS = 200;

/** TLS closes in progress in this isolate (a worker's, or the main one's). */
const closing = new Set<Promise<void>>();

/**
 * Closes a TLS connection the way OpenSSL's `SSL_shutdown` did for tcpkali:
 * a close_notify alert first, then the socket. `conn` is a client's
 * {@linkcode BoundConn} (node:tls: `end()` sends close_notify) or an
 * accepted `Deno.TlsConn` (`closeWrite()` sends close_notify). Plain
 * `close()` is not enough for either: node:tls's `destroy()` sends none,
 * and `Deno.TlsConn.close()` leaves it to a background task that a worker's
 * termination or the process exit cuts short, so the peer sees an
 * unexpected EOF. Resolves once the socket is closed: right after the alert
 * went out, or after `boundMs` at most. Never rejects, never throws.
 */
export function closeTls(
  conn: Pick<Deno.TlsConn, "closeWrite" | "close">,
  boundMs: number = TLS_CLOSE_MS,
): Promise<void> {
  const closed = closeAfterAlert(conn, boundMs);
  closing.add(closed);
  closed.then(() => closing.delete(closed));
  return closed;
}

/**
 * Resolves once every TLS close begun so far in this isolate is done, so
 * that a worker does not end before its close_notify alerts went out: at
 * the end of a run, including connections that closed just before it
 * (--channel-lifetime, failures). Each is bounded by its `boundMs`.
 */
export function tlsClosesSettled(): Promise<void> {
  if (closing.size === 0) return Promise.resolve();
  return Promise.all(closing).then(() => {});
}

function closeAfterAlert(
  conn: Pick<Deno.TlsConn, "closeWrite" | "close">,
  boundMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      try {
        conn.close();
      } catch { /* already closed by the runtime */ }
      resolve();
    };
    const timer = setTimeout(close, boundMs);
    try {
      conn.closeWrite().then(close, close);
    } catch {
      close();
    }
  });
}

/** node's connect and handshake errors as the Deno errors `strerror` words. */
function handshakeError(error: Error): Error {
  return fromNodeSocketError(error) ?? new Error(`TLS handshake failed: ${error.message}`);
}
