/**
 * The network part of the plan: destination operands and the listen port
 * resolved to addresses, with tcpkali's `Destination:` and `Listen on:`
 * lines, and the permission each needs checked before any traffic.
 *
 * @module
 */
import { EXIT, UsageError } from "../errors.ts";
import type { Destination, ListenAddress } from "../plan.ts";
import { formatAddress } from "../shared/address.ts";
import { permittedListen, requireNet } from "./permission_check.ts";
import type { PlanOutput } from "./plan_output.ts";
import type { RawOptions } from "./raw_options.ts";
import { resolveDestination, resolveListen, splitOperand } from "./resolve.ts";

/**
 * Every address of every operand, in order, each printed as it is found;
 * then `--allow-net` is checked for all of them, before the first traffic
 * (the source-address probe).
 */
export async function resolveDestinations(
  operands: string[],
  out: PlanOutput,
  program: string,
): Promise<Destination[]> {
  const destinations: Destination[] = [];
  for (const text of operands) {
    for (const destination of await resolveDestination(splitOperand(text), program)) {
      out.say(`Destination: ${formatAddress(destination.address, destination.port)}`);
      destinations.push(destination);
    }
  }
  if (operands.length > 0 && destinations.length === 0) {
    throw new UsageError(`${program}: Resolving ${operands[0]}: no addresses`, EXIT.noHost);
  }
  requireNet(destinations);
  return destinations;
}

/** The addresses `-l` binds, permission-checked and printed; none without `-l`. */
export async function resolveListenAddresses(
  listenPort: RawOptions["listenPort"],
  out: PlanOutput,
): Promise<ListenAddress[]> {
  if (!listenPort) return [];
  const listen = permittedListen(await resolveListen(listenPort.host, listenPort.port));
  for (const address of listen) {
    if (address.dualStack) {
      // One dual-stack socket serves both families that tcpkali lists.
      out.say(`Listen on: [0.0.0.0]:${address.port}`);
      out.say(`Listen on: [::]:${address.port}`);
    } else {
      out.say(`Listen on: ${formatAddress(address.address, address.port)}`);
    }
  }
  return listen;
}
