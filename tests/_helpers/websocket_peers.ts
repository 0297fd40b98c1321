/**
 * WebSocket echo servers written by others, for interoperability tests:
 * Deno.serve + Deno.upgradeWebSocket, the npm `ws` server, and Debian's
 * python3-websockets. Each records the messages and close codes it saw.
 *
 * @module
 */
import { WebSocketServer } from "npm:ws@8.23.0";

/** The parts of an npm `ws` socket these tests use (the package ships no types). */
export interface WsSocket {
  on(event: "message", listener: (data: Uint8Array, isBinary: boolean) => void): void;
  on(event: "close", listener: (code: number, reason: Uint8Array) => void): void;
  on(event: "pong", listener: (data: Uint8Array) => void): void;
  on(event: "open" | "error", listener: (error?: unknown) => void): void;
  send(data: unknown, options?: { binary?: boolean }): void;
  ping(data?: unknown): void;
  close(code?: number): void;
  terminate(): void;
}

/** What `ws` passes for the upgrade request. */
interface WsRequest {
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A running echo server and what it observed. */
export interface EchoServer {
  readonly name: string;
  readonly port: number;
  /** Text of every message received (and echoed). */
  readonly messages: string[];
  /** Close codes received from clients. */
  readonly closeCodes: number[];
  /** Request paths seen in handshakes. */
  readonly paths: string[];
  /** Header values of `X-Test` seen in handshakes. */
  readonly testHeaders: string[];
  stop(): Promise<void>;
}

/** Deno's own WebSocket server. */
export function denoEchoServer(): EchoServer {
  const messages: string[] = [];
  const closeCodes: number[] = [];
  const paths: string[] = [];
  const testHeaders: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    paths.push(new URL(request.url).pathname);
    testHeaders.push(request.headers.get("x-test") ?? "");
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event) => {
      messages.push(String(event.data));
      socket.send(event.data);
    };
    socket.onclose = (event) => closeCodes.push(event.code);
    socket.onerror = () => {};
    return response;
  });
  return {
    name: "Deno.upgradeWebSocket",
    port: server.addr.port,
    messages,
    closeCodes,
    paths,
    testHeaders,
    stop: () => server.shutdown(),
  };
}

/** The npm `ws` server, run by Deno. */
export async function wsEchoServer(): Promise<EchoServer> {
  const messages: string[] = [];
  const closeCodes: number[] = [];
  const paths: string[] = [];
  const testHeaders: string[] = [];
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  server.on("connection", (socket: WsSocket, request: WsRequest) => {
    paths.push(request.url ?? "");
    testHeaders.push(String(request.headers["x-test"] ?? ""));
    socket.on("message", (data, isBinary) => {
      messages.push(String(data));
      socket.send(data, { binary: isBinary });
    });
    socket.on("close", (code) => closeCodes.push(code));
    socket.on("error", () => {});
  });
  const address = server.address();
  return {
    name: "npm ws",
    port: typeof address === "object" && address ? address.port : 0,
    messages,
    closeCodes,
    paths,
    testHeaders,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

const PYTHON_ECHO = `
import asyncio, sys, websockets
async def echo(ws, path=None):
    print("PATH " + str(getattr(ws, "path", path)), flush=True)
    try:
        async for message in ws:
            print("MSG " + (message if isinstance(message, str) else message.decode()), flush=True)
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    print("CLOSE " + str(ws.close_code), flush=True)
async def main():
    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
`;

/** Whether Debian's python3-websockets is installed (scripts/install_peers.sh). */
export function hasPythonWebsockets(): boolean {
  try {
    const { code } = new Deno.Command("/usr/bin/python3", {
      args: ["-c", "import websockets"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return code === 0;
  } catch {
    return false;
  }
}

/** python3-websockets from Debian, run by /usr/bin/python3. */
export async function pythonEchoServer(): Promise<EchoServer> {
  const messages: string[] = [];
  const closeCodes: number[] = [];
  const paths: string[] = [];
  const child = new Deno.Command("/usr/bin/python3", {
    args: ["-u", "-c", PYTHON_ECHO],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let port = 0;
  const pump = (async () => {
    for (;;) {
      const { value, done } = await lines.read();
      if (done) return;
      buffered += value;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith("PORT ")) port = Number(line.slice(5));
        else if (line.startsWith("MSG ")) messages.push(line.slice(4));
        else if (line.startsWith("CLOSE ")) closeCodes.push(Number(line.slice(6)));
        else if (line.startsWith("PATH ")) paths.push(line.slice(5));
      }
    }
  })();
  const deadline = Date.now() + 10000;
  while (port === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (port === 0) throw new Error("python3-websockets echo server did not start");
  return {
    name: "python3-websockets",
    port,
    messages,
    closeCodes,
    paths,
    testHeaders: [],
    async stop() {
      await new Promise((r) => setTimeout(r, 100)); // let the last lines arrive
      child.kill("SIGTERM");
      await child.status;
      await pump.catch(() => {});
    },
  };
}
