/**
 * The memory floor of an idle connection in Deno itself, for bench S4 and
 * S4c: opens N connections and keeps one pending read on each socket into
 * one shared buffer (what kali's idle sockets do), holds them for a while
 * and exits. Run under GNU time by the bench.
 *
 *     deno run --allow-net scripts/socket_floor.ts CONNECTIONS HOLD_SECONDS [PORT]
 *
 * Without PORT it connects to its own listener (a self-loop: both sockets
 * of each connection are held, as S4's kali self-loop holds them). With
 * PORT it only connects, to a sink on 127.0.0.1:PORT in another process,
 * as a client-only kali run does.
 *
 * @module
 */

const [connections, holdSeconds, sinkPort] = Deno.args.map(Number);
if (!(connections >= 1) || !(holdSeconds >= 0) || (Deno.args.length > 2 && !(sinkPort > 0))) {
  console.error("usage: socket_floor.ts CONNECTIONS HOLD_SECONDS [PORT]");
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

if (sinkPort > 0) {
  for (let i = 0; i < connections; i++) {
    hold(await Deno.connect({ hostname: "127.0.0.1", port: sinkPort }));
  }
} else {
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
}
await new Promise((resolve) => setTimeout(resolve, holdSeconds * 1000));
console.log(`held ${connections} connections (${sockets.length} sockets)`);
Deno.exit(0);
