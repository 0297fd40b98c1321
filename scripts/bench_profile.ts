/**
 * Summarises V8 `.cpuprofile` files (from `deno run --cpu-prof
 * --cpu-prof-dir=DIR`): self time per function, heaviest first, one table
 * per file (the main thread and each worker write their own).
 *
 * Usage: `deno run --allow-read scripts/bench_profile.ts DIR_OR_FILES… [--top N]`
 *
 * @module
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one function, in milliseconds and as a share of the profile. */
export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(main|src|workers|node_modules)\//, "$1/").replace(
    /^file:\/\/.*\//,
    "",
  );
  const name = functionName || "(anonymous)";
  return url ? `${name} ${file}:${lineNumber + 1}` : name;
}

/** Self time per function of one profile, heaviest first. */
export function selfTimes(profile: CpuProfile): SelfTime[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) return;
    const key = label(node);
    totals.set(key, (totals.get(key) ?? 0) + delta);
    all += delta;
  });
  return [...totals.entries()].map(([name, ms]) => ({ name, ms, share: all ? ms / all : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

async function files(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const info = await Deno.stat(path);
    if (!info.isDirectory) {
      out.push(path);
      continue;
    }
    for await (const entry of Deno.readDir(path)) {
      if (entry.name.endsWith(".cpuprofile")) out.push(`${path}/${entry.name}`);
    }
  }
  return out.sort();
}

if (import.meta.main) {
  const args = [...Deno.args];
  const topAt = args.indexOf("--top");
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 15;
  for (const file of await files(args)) {
    const profile = JSON.parse(await Deno.readTextFile(file)) as CpuProfile;
    const rows = selfTimes(profile);
    const total = rows.reduce((n, r) => n + r.ms, 0);
    console.log(`\n${file.replace(/^.*\//, "")}: ${total.toFixed(0)} ms sampled`);
    for (const row of rows.slice(0, top)) {
      console.log(
        `${(row.share * 100).toFixed(1).padStart(6)}%  ${
          row.ms.toFixed(0).padStart(7)
        } ms  ${row.name}`,
      );
    }
  }
}
