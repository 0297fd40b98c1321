/**
 * The errors every layer shares: tcpkali's exit codes, the one error type
 * that stops a run with a message, missing permissions named by the flag
 * that grants them, socket errors in C's strerror words, and the one
 * permission-checked file reader.
 *
 * @module
 */

/** sysexits.h codes tcpkali uses. */
export const EXIT = {
  ok: 0,
  failure: 1,
  messageStop: 2,
  usage: 64,
  dataError: 65,
  noHost: 68,
  unavailable: 69,
  software: 70,
  cantCreate: 73,
  /** A `--threshold` failed (k6's code). */
  thresholds: 99,
} as const;

/** A refusal to run: stderr `lines`, then exit with `exitCode`. */
export class UsageError extends Error {
  /** Lines for stderr, printed in order. */
  readonly lines: string[];
  /** Process exit code. */
  readonly exitCode: number;
  /** What to print on stdout after the lines (help texts). */
  readonly stdout: string;

  constructor(lines: string | string[], exitCode: number = EXIT.usage, stdout = "") {
    const all = typeof lines === "string" ? [lines] : lines;
    super(all.join("\n"));
    this.lines = all;
    this.exitCode = exitCode;
    this.stdout = stdout;
  }
}

/**
 * A permission kali found missing before using it: one line, exit 1. It is
 * a NotCapable error, so code that passes those through passes it too.
 */
export class PermissionError extends Deno.errors.NotCapable {
  /** The Deno permission name: `net`, `read`, `write`, `sys`, `env`. */
  readonly kind: string;
  /** What is missing, as the flag takes it (`127.0.0.1:80`, a path). */
  readonly target: string;

  constructor(kind: string, target: string, flag = `--allow-${kind}=${target}`) {
    super(`kali: permission denied: ${kind} access to ${target}; grant it with ${flag}`);
    this.name = "PermissionError";
    this.kind = kind;
    this.target = target;
  }
}

/**
 * A `node:dns` lookup refused for lack of `--allow-net=<host>` fails with
 * code EPERM rather than NotCapable; this names the flag for it, or
 * returns null for any other lookup failure.
 */
export function lookupPermissionError(error: unknown, host: string): PermissionError | null {
  const code = (error as { code?: string } | null)?.code;
  if (error instanceof Deno.errors.NotCapable || code === "EPERM") {
    return new PermissionError("net", host);
  }
  return null;
}

/** The hint for a NotCapable error or a PermissionError, or null for any other error. */
export function permissionHint(error: unknown): string | null {
  if (error instanceof PermissionError) return error.message;
  if (!(error instanceof Deno.errors.NotCapable)) return null;
  const match = /Requires (\w+) access to "?([^",]*)"?/.exec(error.message);
  if (!match) return `kali: missing permission: ${error.message.split("\n")[0]}`;
  const [, kind, target] = match;
  const flag = target ? `--allow-${kind}=${target}` : `--allow-${kind}`;
  return `kali: permission denied: ${kind} access to ${target || "it"}; grant it with ${flag}`;
}

/** The C strerror text a socket error stands for. */
export function strerror(error: unknown): string {
  if (error instanceof Deno.errors.ConnectionRefused) return "Connection refused";
  if (error instanceof Deno.errors.ConnectionReset) return "Connection reset by peer";
  if (error instanceof Deno.errors.ConnectionAborted) return "Software caused connection abort";
  if (error instanceof Deno.errors.BrokenPipe) return "Broken pipe";
  if (error instanceof Deno.errors.TimedOut) return "Connection timed out";
  if (error instanceof Deno.errors.AddrNotAvailable) return "Cannot assign requested address";
  if (error instanceof Deno.errors.AddrInUse) return "Address already in use";
  if (error instanceof Deno.errors.NotConnected) return "Transport endpoint is not connected";
  if (error instanceof Deno.errors.PermissionDenied) return "Permission denied";
  if (error instanceof Deno.errors.NotFound) return "No such file or directory";
  if (error instanceof Deno.errors.IsADirectory) return "Is a directory";
  if (error instanceof DOMException && error.name === "TimeoutError") return "Connection timed out";
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\(os error \d+\).*$/s, "");
}

/** node:net's socket error codes, as the Deno error classes {@linkcode strerror} words. */
const NODE_SOCKET_ERRORS: Record<string, new (message: string) => Error> = {
  ECONNREFUSED: Deno.errors.ConnectionRefused,
  ECONNRESET: Deno.errors.ConnectionReset,
  ECONNABORTED: Deno.errors.ConnectionAborted,
  EPIPE: Deno.errors.BrokenPipe,
  ETIMEDOUT: Deno.errors.TimedOut,
  EADDRNOTAVAIL: Deno.errors.AddrNotAvailable,
  EADDRINUSE: Deno.errors.AddrInUse,
};

/** A node:net socket error as the Deno error it stands for; null for codes without one. */
export function fromNodeSocketError(error: Error): Error | null {
  const Class = NODE_SOCKET_ERRORS[(error as { code?: string }).code ?? ""];
  return Class ? new Class(error.message) : null;
}

/**
 * When a socket could not be created for want of descriptors, the C
 * strerror text: EMFILE (the process's `ulimit -n`) or ENFILE (the
 * system's); null for any other error.
 */
export function outOfFilesError(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code = (error as Error & { code?: unknown }).code; // node:net errors (--source-ip, TLS)
  if (code === "EMFILE" || /\(os error 24\)/.test(error.message)) return "Too many open files";
  if (code === "ENFILE" || /\(os error 23\)/.test(error.message)) {
    return "Too many open files in system";
  }
  return null;
}

/** Whether the error only says the socket was already closed by us. */
export function isClosedByUs(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted;
}

/** A file kali could not read: `<path>: <reason>` in C's words. */
export class FileReadError extends UsageError {
  /** The path as given. */
  readonly path: string;
  /** The OS reason: `No such file or directory`. */
  readonly reason: string;

  constructor(path: string, reason: string, exitCode: number = EXIT.dataError) {
    super(`${path}: ${reason}`, exitCode);
    this.path = path;
    this.reason = reason;
  }
}

/** The largest file kali reads as content or a certificate: 64 MiB. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads a whole file the run was given, at most {@link MAX_FILE_BYTES}. The
 * permission is queried first (a read without it would prompt on a
 * terminal). Directories, files over the limit, and devices or pipes that
 * go on past it (`/dev/zero`) are refused; one that ends (`/dev/null`) is
 * read. Failures become a {@link FileReadError} with the reason.
 */
export function readPermittedFile(path: string): Uint8Array {
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
    throw new PermissionError("read", path);
  }
  try {
    const info = Deno.statSync(path);
    if (info.isDirectory) throw new FileReadError(path, "Is a directory");
    if (info.isFifo || info.isSocket) throw new FileReadError(path, "not a regular file");
    if (info.isFile && info.size > MAX_FILE_BYTES) throw tooLarge(path);
    return info.isFile ? Deno.readFileSync(path) : readBounded(path);
  } catch (error) {
    if (error instanceof FileReadError || error instanceof Deno.errors.NotCapable) throw error;
    throw new FileReadError(path, strerror(error));
  }
}

function tooLarge(path: string): FileReadError {
  return new FileReadError(path, `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB, kali's limit`);
}

/** Reads a file that is not a regular one, refusing it once it passes the limit. */
function readBounded(path: string): Uint8Array {
  using file = Deno.openSync(path);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(64 * 1024);
    const n = file.readSync(chunk);
    if (n === null) break;
    total += n;
    if (total > MAX_FILE_BYTES) throw tooLarge(path);
    chunks.push(chunk.subarray(0, n));
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
