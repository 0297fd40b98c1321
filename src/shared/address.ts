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

const IPV4_PART = /^(?:0|[1-9]\d{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;
const ZONE = /^[0-9a-zA-Z.:-]+$/;

/** Dotted decimal, four parts of 0..255, no leading zeros (`127.1` is a name to resolve). */
function isIpv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((p) => IPV4_PART.test(p) && Number(p) <= 255);
}

/** Eight hex groups, or fewer around one `::`; the last two may be an IPv4 address; `%zone`. */
function isIpv6(text: string): boolean {
  const percent = text.indexOf("%");
  if (percent >= 0 && !ZONE.test(text.slice(percent + 1))) return false;
  const halves = (percent < 0 ? text : text.slice(0, percent)).split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => half === "" ? [] : half.split(":"));
  const last = halves[halves.length - 1] === "" ? -1 : groups.length - 1;
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    if (i === last && isIpv4(groups[i])) count += 2;
    else if (IPV6_GROUP.test(groups[i])) count++;
    else return false;
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

/**
 * 4 or 6 when `text` is a numeric IPv4 or IPv6 address, 0 when it is a name
 * (node:net's `isIP`, without loading Deno's Node compatibility layer).
 */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (isIpv4(text)) return 4;
  return isIpv6(text) ? 6 : 0;
}
