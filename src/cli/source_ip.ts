/**
 * Local addresses for outgoing connections: `--source-ip` values (resolved
 * and checked by binding a test socket), or, without the option, the
 * aliases of the interface that reaches the destinations (tcpkali's way of
 * opening more than 64k connections per destination).
 *
 * @module
 */
import { EXIT, lookupPermissionError, strerror, UsageError } from "../errors.ts";
import type { Destination } from "../plan.ts";
import { requireNet } from "./permission_check.ts";
import type { PlanOutput } from "./plan_output.ts";
import { lookupAll } from "./name_lookup.ts";
import { lookupReason } from "./resolve.ts";
import { formatAddress } from "../shared/address.ts";

/** Binds and closes a test socket on `address`; returns why it failed, or null. */
function bindFailure(address: string): string | null {
  requireNet([{ address, port: 0 }]); // queried first: Deno.listen would prompt on a terminal
  try {
    Deno.listen({ hostname: address, port: 0 }).close();
    return null;
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    return strerror(error);
  }
}

/**
 * Resolves every `--source-ip` value to its addresses, checks each one is
 * local, and prints `Source IP: [a]:0` per address. Errors exit 64 with
 * tcpkali's two lines.
 */
export async function resolveSourceIps(names: string[], out: PlanOutput): Promise<string[]> {
  const addresses: string[] = [];
  for (const name of names) {
    const expected = `--source-ip=${name}: local IP address expected`;
    let found: string[];
    try {
      found = await lookupAll(name);
    } catch (error) {
      const denied = lookupPermissionError(error, name);
      if (denied) throw denied;
      throw new UsageError([`getaddrinfo: ${lookupReason(error)}`, expected], EXIT.usage);
    }
    for (const address of found) {
      const failure = bindFailure(address);
      if (failure !== null) {
        throw new UsageError(
          [`${formatAddress(address, 0)} is not local: ${failure}`, expected],
          EXIT.usage,
        );
      }
      out.say(`Source IP: ${formatAddress(address, 0)}`);
      addresses.push(address);
    }
  }
  return addresses;
}

/** The interface list, or null when `--allow-sys=networkInterfaces` is not granted. */
function interfaces(): Deno.NetworkInterfaceInfo[] | null {
  const granted = Deno.permissions.querySync({ name: "sys", kind: "networkInterfaces" });
  if (granted.state !== "granted") return null;
  try {
    return Deno.networkInterfaces();
  } catch {
    return null;
  }
}

/** `eth0:1` is an alias of `eth0`. */
function baseName(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(0, colon);
}

const familyOf = (address: string): "IPv4" | "IPv6" => address.includes(":") ? "IPv6" : "IPv4";

function unmapped(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

/** Options for {@linkcode detectSourceAddresses}. */
export interface DetectOptions {
  /** Probe-connect timeout, ms. */
  connectTimeoutMs: number;
}

/**
 * Without `--source-ip`: finds the interface used to reach the destinations
 * and, only when it has several addresses of the destinations' family,
 * returns them for round-robin binding (printing tcpkali's `Interface …` and
 * `Using interface …` lines). A single address gives `[]`, so the fast
 * native connect path is kept; so does a missing `networkInterfaces`
 * permission (silently). A probe connection is made, as tcpkali does, only
 * when a destination is not itself a local address and some interface has
 * several addresses of its family; if it fails, the destination is
 * reported as undetectable and connections to it are not bound.
 */
export async function detectSourceAddresses(
  destinations: Destination[],
  out: PlanOutput,
  options: DetectOptions,
): Promise<string[]> {
  if (destinations.length === 0) return [];
  const all = interfaces();
  if (all === null) return [];
  const families = new Set(destinations.map((d) => familyOf(unmapped(d.address))));
  if (families.size > 1) {
    for (const d of destinations) {
      const where = formatAddress(d.address, d.port);
      out.say(
        `WARNING: Could not detect local address when connecting to ${where}: Multiple incompatible address families in destination.`,
      );
      out.say(`WARNING: Would not open more than 64k connections to ${where}`);
    }
    return [];
  }
  const family = [...families][0];
  const addressesOf = (iface: string) =>
    all.filter((i) => baseName(i.name) === iface && i.family === family).map((i) => i.address);
  const multi = new Set(
    all.filter((i) => i.family === family).map((i) => baseName(i.name)).filter((name) =>
      new Set(addressesOf(name)).size > 1
    ),
  );
  if (multi.size === 0) return [];

  const chosen: string[] = [];
  for (const d of destinations) {
    const target = unmapped(d.address);
    let iface = all.find((i) => i.address === target)?.name;
    if (iface === undefined && family === "IPv4" && target.startsWith("127.")) iface = "lo";
    if (iface === undefined) iface = await probeInterface(d, all, options);
    const where = formatAddress(d.address, d.port);
    if (iface === undefined) {
      out.say(`WARNING: Can't determine local interface to connect to ${where}`);
      out.say(`WARNING: Would not open more than 64k connections to ${where}`);
      continue;
    }
    const name = baseName(iface);
    const addresses = [...new Set(addressesOf(name))];
    if (addresses.length < 2) continue; // single address: keep the native path
    for (const address of addresses) {
      if (chosen.includes(address)) continue;
      out.say(`Interface ${name} address ${formatAddress(address, 0)}`);
      chosen.push(address);
    }
    out.say(`Using interface ${name} to connect to ${where}`);
  }
  return chosen;
}

/** Opens a probe connection and names the interface of its local address. */
async function probeInterface(
  d: Destination,
  all: Deno.NetworkInterfaceInfo[],
  options: DetectOptions,
): Promise<string | undefined> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({
      hostname: d.address,
      port: d.port,
      signal: AbortSignal.timeout(options.connectTimeoutMs),
    });
  } catch (error) {
    // tcpkali's probe is non-blocking, so only immediate failures are fatal
    // there; an awaited probe cannot tell them apart: run unbound instead.
    if (error instanceof Deno.errors.NotCapable) throw error;
    return undefined;
  }
  const local = unmapped((conn.localAddr as Deno.NetAddr).hostname);
  conn.close();
  return all.find((i) => i.address === local)?.name;
}
