/**
 * The TLS listener's certificate and key files (`--ssl-cert`, `--ssl-key`):
 * their defaults and the pre-flight read. Kept apart from `tls.ts`, whose
 * client connects through node:tls (Deno's Node compatibility layer), so
 * that building a plan loads no Node module.
 *
 * @module
 */
import { EXIT, FileReadError, readPermittedFile, UsageError } from "../errors.ts";

/** tcpkali's default certificate file, relative to the working directory. */
export const DEFAULT_CERT_FILE = "cert.pem";
/** tcpkali's default private key file, relative to the working directory. */
export const DEFAULT_KEY_FILE = "key.pem";

/** A listener's certificate chain and private key, PEM text, and where they came from. */
export interface ListenerCertificate {
  /** Certificate chain (PEM). */
  cert: string;
  /** Private key (PEM). */
  key: string;
  /** The `--ssl-cert` file as given, for error lines. */
  certFile: string;
  /** The `--ssl-key` file as given, for error lines. */
  keyFile: string;
}

function readPem(file: string, complaint: string): string {
  try {
    return new TextDecoder().decode(readPermittedFile(file));
  } catch (error) {
    if (error instanceof FileReadError) throw new UsageError(`${file}: ${complaint}`, EXIT.usage);
    throw error;
  }
}

/**
 * Reads the listener's certificate and key, with tcpkali's two pre-flight
 * errors (exit 64) when a file cannot be read. Whether the PEM is valid is
 * found out when the listener is bound (`listenTls` in `tls.ts`).
 */
export function loadListenerCertificate(certFile: string, keyFile: string): ListenerCertificate {
  const cert = readPem(certFile, "Can not access X.509 certificate file.");
  const key = readPem(keyFile, "Can not access SSL private key file");
  return { cert, key, certFile, keyFile };
}
