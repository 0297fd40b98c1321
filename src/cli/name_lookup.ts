/**
 * getaddrinfo for the names on a command line (/etc/hosts, `127.1`
 * shorthands, every address) through node:dns, imported on the first name
 * to resolve: node:dns loads Deno's Node compatibility layer, megabytes of
 * resident memory that a run given numeric addresses does not need.
 *
 * @module
 */

/** Every address of `host`, in the resolver's order; rejects with node:dns's error. */
export async function lookupAll(host: string): Promise<string[]> {
  const { lookup } = await import("node:dns/promises");
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}

/** The first IPv4 address of `host`; rejects with node:dns's error. */
export async function lookupIpv4(host: string): Promise<string> {
  const { lookup } = await import("node:dns/promises");
  return (await lookup(host, { family: 4 })).address;
}
