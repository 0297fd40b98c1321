/**
 * Turns Deno's missing-permission errors into one line naming the flag
 * that grants what is missing.
 *
 * @module
 */

/** The hint for a NotCapable error, or null for any other error. */
export function permissionHint(error: unknown): string | null {
  if (!(error instanceof Deno.errors.NotCapable)) return null;
  const match = /Requires (\w+) access to "?([^",]*)"?/.exec(error.message);
  if (!match) return `kali: missing permission: ${error.message}`;
  const [, kind, target] = match;
  const flag = target ? `--allow-${kind}=${target}` : `--allow-${kind}`;
  return `kali: permission denied: ${kind} access to ${target || "it"}; grant it with ${flag}`;
}
