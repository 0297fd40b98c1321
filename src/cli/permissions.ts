/**
 * Turns Deno's missing-permission errors into one line naming the flag
 * that grants what is missing.
 *
 * @module
 */

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
