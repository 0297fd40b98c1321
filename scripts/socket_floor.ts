/**
 * The memory floor of an idle connection in Deno itself, for bench S4: opens
 * N loopback connections to its own listener and keeps one pending read on
 * both sockets of each, into one shared buffer (what kali's idle sockets
 * do), holds them for a while and exits. Run under GNU time by the bench.
 *
 *     deno run --allow-net scripts/socket_floor.ts CONNECTIONS HOLD_SECONDS
 *
 * @module
 */

const [connections, holdSeconds] = Deno.args.map(Number);
if (!(connections >= 1) || !(holdSeconds >= 0)) {
  console.error("usage: socket_floor.ts CONNECTIONS HOLD_SECONDS");
  Deno.exit(64);
}

const shared = new Uint8Array(64 * 1024);
const sockets: Deno.Conn[] = [];

function hold(conn: Deno.Conn): void {
  sockets.push(conn);
  const readNext = (): void => {
    conn.read(shared).then((n) => n === null ? undefined : readNext(), () => {});
  };
  readNext();
}

const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const { port } = listener.addr as Deno.NetAddr;
let accepted = 0;
const allAccepted = (async () => {
  for await (const conn of listener) {
    hold(conn);
    if (++accepted === connections) return;
  }
})();
for (let i = 0; i < connections; i++) {
  hold(await Deno.connect({ hostname: "127.0.0.1", port }));
}
await allAccepted;
await new Promise((resolve) => setTimeout(resolve, holdSeconds * 1000));
console.log(`held ${connections} connections (${sockets.length} sockets)`);
Deno.exit(0);
