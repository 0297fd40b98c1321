/**
 * Socket errors in tcpkali's (strerror) words, for per-connection log lines.
 *
 * @module
 */

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
  if (error instanceof DOMException && error.name === "TimeoutError") return "Connection timed out";
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\(os error \d+\)$/, "");
}

/** Whether the error only says the socket was already closed by us. */
export function isClosedByUs(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted;
}
