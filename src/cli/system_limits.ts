/**
 * What the machine allows: the CPU count that bounds `-w`, and tcpkali's
 * pre-flight warnings about system limits that would stop a run from
 * reaching its connection count. Best effort: a limit that cannot be read
 * (no permission, not Linux) is not warned about.
 *
 * @module
 */

/** CPUs available to this process. */
export function cpuCount(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

function readText(path: string): string | null {
  // Queried first: reading without the permission would prompt on a terminal.
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return null;
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

function openFilesLimit(): number | null {
  const limits = readText("/proc/self/limits");
  const match = limits && /^Max open files\s+(\d+)/m.exec(limits);
  return match ? Number(match[1]) : null;
}

/** Warning lines (without the `WARNING: ` prefix) for `connections` over `workers`. */
export function systemLimitWarnings(connections: number, workers: number): string[] {
  const warnings: string[] = [];
  const needed = connections + 4 + 2 * workers;
  const files = openFilesLimit();
  if (files !== null && files < needed) {
    warnings.push(
      `Open files limit (\`ulimit -n\`) ${files} is too low for the expected scale (-c ${connections}).`,
    );
  }
  const range = readText("/proc/sys/net/ipv4/ip_local_port_range")?.trim().split(/\s+/).map(Number);
  if (range && range.length === 2 && range[1] - range[0] < connections) {
    warnings.push(
      `Will not be able to open ${connections} simultaneous connections since "/proc/sys/net/ipv4/ip_local_port_range" specifies too narrow range [${
        range[0]
      }..${range[1]}].`,
    );
  }
  const twReuse = readText("/proc/sys/net/ipv4/tcp_tw_reuse")?.trim();
  if (twReuse !== undefined && twReuse !== "1" && connections > 100) {
    warnings.push(
      `Not reusing TIME_WAIT sockets, might not open ${connections} simultaneous connections. Adjust "/proc/sys/net/ipv4/tcp_tw_reuse" value.`,
    );
  }
  const conntrack = readText("/proc/sys/net/netfilter/nf_conntrack_max")?.trim();
  if (conntrack !== undefined && Number(conntrack) < connections) {
    warnings.push(
      `IP filter might not allow opening ${connections} simultaneous connections. Adjust "/proc/sys/net/netfilter/nf_conntrack_max" value.`,
    );
  }
  return warnings;
}
