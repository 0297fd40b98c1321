import assert from "node:assert/strict";
import { pythonPeer } from "../../_helpers/peers.ts";
import { runKali } from "../../_helpers/kali.ts";
import { monotone, percentileLine } from "../../_helpers/report.ts";

// An echo server that stops reading for 200 ms one second into the run. Its
// small receive buffer makes the stall push back on the sender quickly, so
// kali's pacer falls behind schedule: the messages it could not send on time
// carry the stall only in the corrected figure.
const STALLING_ECHO = `
import socket, threading, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
srv.bind(("127.0.0.1", 0)); srv.listen(16)
print("PORT", srv.getsockname()[1], flush=True)
def serve(c):
    first = None; stalled = False
    try:
        while True:
            d = c.recv(65536)
            if not d: break
            now = time.monotonic()
            first = first or now
            if not stalled and now - first > 1.0:
                stalled = True; time.sleep(0.2)
            c.sendall(d)
    except OSError: pass
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
`;

Deno.test("a 200 ms stall of the peer shows in the corrected latency, not only in the raw one", async () => {
  const peer = await pythonPeer(STALLING_ECHO);
  const message = await Deno.makeTempFile();
  try {
    // 16 kB messages at 2000/s (32 MB/s): the stall outlasts the socket buffers.
    await Deno.writeFile(message, new TextEncoder().encode("x".repeat(16000) + "PING"));
    const run = await runKali([
      "-T2",
      "-f",
      message,
      "-r",
      "2000",
      "--latency-marker",
      "PING",
      "--latency-percentiles",
      "50,90,99,100",
      `127.0.0.1:${peer.port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const raw = percentileLine(run.stdout, "Message latency")!;
    const corrected = percentileLine(run.stdout, "Corrected message latency")!;
    assert.ok(raw && corrected, run.stdout);
    assert.ok(monotone(raw.values) && monotone(corrected.values), run.stdout);
    // The stall is seen at the top of both...
    assert.ok(corrected.values[3] >= 190, run.stdout);
    // ...corrected is never below raw...
    for (let i = 0; i < 4; i++) assert.ok(corrected.values[i] >= raw.values[i], run.stdout);
    // ...and it charges the messages held back by the stall: its 90th percentile
    // sits well above the raw one.
    assert.ok(corrected.values[1] >= raw.values[1] + 20, run.stdout);
  } finally {
    await peer.stop();
    await Deno.remove(message);
  }
});
