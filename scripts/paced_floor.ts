/**
 * The CPU floor of paced small writes in Deno itself, for bench S3c: opens
 * N connections to a sink, keeps one pending read on each into one shared
 * buffer, then writes one MESSAGE per connection RATE times a second for
 * SECONDS, spread evenly (one timer per millisecond, no per-message
 * objects of its own). Run under GNU time by the bench.
 *
 *     deno run --allow-net scripts/paced_floor.ts PORT CONNECTIONS RATE SECONDS MESSAGE
 *
 * @module
 */

const [port, connections, rate, seconds] = Deno.args.slice(0, 4).map(Number);
const message = new TextEncoder().encode(Deno.args[4] ?? "");
if (!(port > 0) || !(connections >= 1) || !(rate > 0) || !(seconds > 0) || !message.length) {
  console.error("usage: paced_floor.ts PORT CONNECTIONS RATE SECONDS MESSAGE");
  Deno.exit(64);
}

const shared = new Uint8Array(64 * 1024);
const sockets: Deno.Conn[] = [];
for (let i = 0; i < connections; i++) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  sockets.push(conn);
  const readNext = (): void => {
    conn.read(shared).then((n) => n === null ? undefined : readNext(), () => {});
  };
  readNext();
}

// Connection i sends at start + (i + k × connections) × gap: one cyclic cursor.
const gap = 1000 / rate / connections;
const start = performance.now();
const end = start + seconds * 1000;
let next = 0;
let due = start;
let written = 0;
const onWritten = (n: number) => void (written += n);
const ignore = () => {};
await new Promise<void>((resolve) => {
  const tick = () => {
    const now = performance.now();
    const until = now < end ? now : end;
    while (due <= until) {
      sockets[next].write(message).then(onWritten, ignore);
      if (++next === connections) next = 0;
      due += gap;
    }
    if (now >= end) resolve();
    else setTimeout(tick, 1);
  };
  tick();
});
console.log(`wrote ${written} bytes (${written / message.length} messages)`);
Deno.exit(0);
