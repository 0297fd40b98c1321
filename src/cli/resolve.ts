/**
 * Destination operands and listen addresses to numeric addresses, with
 * getaddrinfo semantics (/etc/hosts, `127.1` shorthands, every address).
 *
 * @module
 */
import type { Destination, ListenAddress } from "../plan.ts";
import { EXIT, lookupPermissionError, UsageError } from "../errors.ts";
import { ipVersion } from "../shared/address.ts";
import { lookupAll } from "./name_lookup.ts";

/** `host:port[/path]` split at the first colon; `[v6]:port` also accepted. */
export interface Operand {
  host: string;
  service: string;
  path: string;
  /** The text before any `/path`, as typed. */
  hostPort: string;
}

/** Splits one destination operand, or throws tcpkali's complaint. */
export function splitOperand(text: string): Operand {
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(text);
  let host: string, rest: string;
  if (bracketed) {
    [host, rest] = [bracketed[1], bracketed[2]];
  } else {
    const colon = text.indexOf(":");
    if (colon < 0) throw new UsageError("Expected :port specification. See --help.");
    [host, rest] = [text.slice(0, colon), text.slice(colon + 1)];
  }
  const slash = rest.indexOf("/");
  const service = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? "" : rest.slice(slash + 1);
  return {
    host,
    service,
    path,
    hostPort: text.slice(0, text.length - rest.length + service.length),
  };
}

/** A numeric service as a port; null when it is not a number. */
function servicePort(service: string): number | null {
  return /^\d+$/.test(service) ? Number(service) : null;
}

async function addressesOf(host: string): Promise<string[]> {
  // A numeric address needs no lookup (and so no permission beyond its own).
  if (ipVersion(host) !== 0) return [host];
  try {
    return await lookupAll(host);
  } catch (error) {
    throw lookupPermissionError(error, host) ?? error;
  }
}

/** getaddrinfo's words for a failed lookup. */
export function lookupReason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "ENOTFOUND" || code === "EAI_NONAME") return "Name or service not known";
  if (code === "EAI_AGAIN") return "Temporary failure in name resolution";
  return (error as Error).message;
}

/** Resolves one operand to every address it names. */
export async function resolveDestination(
  operand: Operand,
  program: string,
): Promise<Destination[]> {
  const port = servicePort(operand.service);
  const what = `${operand.host}:${operand.service}`;
  if (port === null) {
    throw new UsageError(
      `${program}: Resolving ${what}: Servname not supported for ai_socktype`,
      EXIT.noHost,
    );
  }
  // tcpkali let getaddrinfo wrap 65536 to port 0 and 99999 to 34463.
  if (port < 1 || port > 65535) {
    throw new UsageError(`${program}: Resolving ${what}: port is not in [1..65535]`, EXIT.noHost);
  }
  let addresses: string[];
  try {
    addresses = await addressesOf(operand.host);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(`${program}: Resolving ${what}: ${lookupReason(error)}`, EXIT.noHost);
  }
  return addresses.map((address) => ({
    address,
    port,
    operand: operand.hostPort,
    host: operand.host,
  }));
}

/** Resolves `-l [host:]port`; no host means every address, both families. */
export async function resolveListen(
  host: string | null,
  port: number,
): Promise<ListenAddress[]> {
  if (host === null) return [{ address: "::", port, dualStack: true }];
  let addresses: string[];
  try {
    addresses = await addressesOf(host);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(`getaddrinfo: ${lookupReason(error)}`, EXIT.failure);
  }
  return addresses.map((address) => ({ address, port, dualStack: false }));
}
