/**
 * Up-front permission checks: every destination, listen address and file a
 * run will touch is queried (never requested, so nothing prompts) before
 * any traffic, and the first one missing stops the run with one line that
 * names the Deno flag granting it.
 *
 * @module
 */
import type { ListenAddress, RunPlan } from "../plan.ts";
import { PermissionError } from "../errors.ts";

/** An address and port to be connected to or bound. */
export interface NetEndpoint {
  /** Numeric IP address. */
  address: string;
  /** TCP or UDP port. */
  port: number;
}

/** `127.0.0.1:80` or `[::1]:80`: the form `--allow-net` takes. */
export function netTarget(endpoint: NetEndpoint): string {
  const { address, port } = endpoint;
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

function granted(descriptor: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(descriptor).state === "granted";
}

/** Throws a PermissionError for the first endpoint `--allow-net` does not cover. */
export function requireNet(endpoints: readonly NetEndpoint[]): void {
  for (const endpoint of endpoints) {
    const host = netTarget(endpoint);
    if (!granted({ name: "net", host })) throw new PermissionError("net", host);
  }
}

/**
 * The listen addresses to bind, checked. `-l PORT` binds one dual-stack
 * socket on `[::]:PORT`; when only `0.0.0.0:PORT` is granted, kali listens
 * on IPv4 only instead of failing.
 */
export function permittedListen(listen: readonly ListenAddress[]): ListenAddress[] {
  return listen.map((address) => {
    if (!address.dualStack || granted({ name: "net", host: netTarget(address) })) {
      requireNet([address]);
      return address;
    }
    const ipv4 = { address: "0.0.0.0", port: address.port, dualStack: false };
    if (granted({ name: "net", host: netTarget(ipv4) })) return ipv4;
    throw new PermissionError(
      "net",
      `[::]:${address.port}`,
      `--allow-net=[::]:${address.port} (IPv4 and IPv6) or --allow-net=0.0.0.0:${address.port} (IPv4 only)`,
    );
  });
}

/**
 * Everything a plan will touch once it runs, beyond what building it
 * already checked: every destination and listen
 * address, the StatsD target (and the local UDP socket sending to it) and
 * the result files (JSON, interval log, HTML).
 */
export function requireRunPermissions(plan: RunPlan): void {
  requireNet(plan.destinations);
  permittedListen(plan.listen);
  // node:dgram binds its sending socket to 0.0.0.0:0 before the first send.
  if (plan.outputs.statsd) requireNet([plan.outputs.statsd, { address: "0.0.0.0", port: 0 }]);
  const o = plan.outputs;
  const files = [o.jsonFile === "-" ? null : o.jsonFile, o.hdrLogFile, o.htmlFile];
  requireWrite(files.filter((file) => file !== null));
}

/** Throws a PermissionError for the first file `--allow-write` does not cover. */
export function requireWrite(files: readonly string[]): void {
  for (const file of files) {
    if (!granted({ name: "write", path: file })) throw new PermissionError("write", file);
  }
}
