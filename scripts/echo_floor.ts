/**
 * A bare Deno echo server, for bench S10: what Deno itself reaches when a
 * listener sends back every byte it reads (one 64 KiB buffer per
 * connection, read then write it all), beside kali's `--listen-mode echo`.
 *
 *     deno run --allow-net scripts/echo_floor.ts PORT
 *
 * @module
 */

const port = Number(Deno.args[0]);
if (!(port > 0)) {
  console.error("usage: echo_floor.ts PORT");
  Deno.exit(64);
}

async function echo(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      for (let at = 0; at < n;) at += await conn.write(buffer.subarray(at, n));
    }
  } catch { /* the client went away */ }
  try {
    conn.close();
  } catch { /* closed */ }
}

for await (const conn of Deno.listen({ hostname: "127.0.0.1", port })) echo(conn);
