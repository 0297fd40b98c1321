/**
 * The exact bytes of a command-line argument. Deno decodes arguments as
 * UTF-8 and turns each invalid byte into U+FFFD; content options must send
 * what the user gave, so such an argument is read again, byte for byte,
 * from /proc/self/cmdline, or refused when that cannot be done.
 *
 * @module
 */
import { EXIT, UsageError } from "../errors.ts";

const REPLACEMENT = "\uFFFD";
const CMDLINE = "/proc/self/cmdline";
const encoder = new TextEncoder();

/** This process's arguments as the kernel holds them, or null when they cannot be read. */
function rawProcessArgs(): Uint8Array[] | null {
  try {
    if (Deno.permissions.querySync({ name: "read", path: CMDLINE }).state !== "granted") {
      return null;
    }
    const bytes = Deno.readFileSync(CMDLINE);
    const parts: Uint8Array[] = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) {
        parts.push(bytes.subarray(start, i));
        start = i + 1;
      }
    }
    return parts;
  } catch {
    return null;
  }
}

/** Whether `bytes` hold invalid UTF-8. */
function invalidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

/**
 * The bytes `value` (an option's value, as Deno decoded it) stands for.
 * `args` are the process's arguments as Deno decoded them (`Deno.args`);
 * `raw` the kernel's copy of the whole command line, or null.
 */
export function exactBytes(
  value: string,
  option: string,
  args: readonly string[] = Deno.args,
  raw: Uint8Array[] | null = value.includes(REPLACEMENT) ? rawProcessArgs() : null,
): Uint8Array {
  if (!value.includes(REPLACEMENT)) return encoder.encode(value);
  const recovered = raw === null ? null : recover(value, args, raw);
  if (recovered) return recovered;
  throw new UsageError(
    `${option}: the argument holds bytes that are not UTF-8 (or U+FFFD) and kali cannot read them exactly; write them as \\xHH escapes with -e, or put them in a file for -f`,
    EXIT.usage,
  );
}

/** The argument's own bytes, when the kernel's copy shows invalid UTF-8 where Deno shows U+FFFD. */
function recover(value: string, args: readonly string[], raw: Uint8Array[]): Uint8Array | null {
  // Deno's arguments are the last ones of the process's command line.
  const offset = raw.length - args.length;
  if (offset < 0) return null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.endsWith(value)) continue;
    // What precedes the value (`-m`, `--message=`) is ASCII: as many bytes as characters.
    const bytes = raw[offset + i].subarray(arg.length - value.length);
    if (invalidUtf8(bytes) && new TextDecoder().decode(bytes) === value) return bytes.slice();
  }
  return null;
}
