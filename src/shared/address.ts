/**
 * How tcpkali writes a socket address in its lines.
 *
 * @module
 */

/** tcpkali's `[address]:port` form; IPv4-mapped IPv6 addresses shown as IPv4. */
export function formatAddress(address: string, port: number): string {
  const plain = address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
  return `[${plain}]:${port}`;
}
