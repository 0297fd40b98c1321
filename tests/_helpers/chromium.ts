/**
 * Debian's headless Chromium (chromium-headless-shell, installed by
 * scripts/install_peers.sh), driven over the DevTools protocol on
 * loopback: opens a page, records every request it makes, and evaluates
 * expressions in it.
 *
 * @module
 */

/**
 * The headless shell Debian installs. /usr/bin/chromium-headless-shell is a
 * `sh` wrapper that does not `exec`: killing it would leave the browser and
 * its children running, so the binary it starts is spawned directly.
 */
export const CHROMIUM = "/usr/lib/chromium/chromium-headless-shell";

/**
 * An expression for a kali page: per chart, its id, its canvases and how
 * many strongly coloured pixels they hold (a drawn series, not an empty
 * frame).
 */
export const CHART_PIXELS = `[...document.querySelectorAll(".chart")].map((chart) => {
  let coloured = 0;
  for (const canvas of chart.querySelectorAll("canvas")) {
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured++;
    }
  }
  return { id: chart.id, canvases: chart.querySelectorAll("canvas").length, coloured };
})`;

type Message = {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
};

/** One browser process and one page in it. */
export class HeadlessPage {
  /** Every URL the page asked for (the document itself included). */
  readonly requests: string[] = [];
  readonly #child: Deno.ChildProcess;
  readonly #socket: WebSocket;
  readonly #profile: string;
  readonly #pending = new Map<number, (message: Message) => void>();
  readonly #waiters: { method: string; resolve: () => void }[] = [];
  #session = "";
  #nextId = 1;

  private constructor(child: Deno.ChildProcess, socket: WebSocket, profile: string) {
    this.#child = child;
    this.#socket = socket;
    this.#profile = profile;
    socket.onmessage = (event) => this.#receive(JSON.parse(event.data));
  }

  /** Starts the browser and attaches to a blank page with the network recorded. */
  static async open(): Promise<HeadlessPage> {
    const profile = Deno.makeTempDirSync({ prefix: "kali-chromium-" });
    const child = new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        `--user-data-dir=${profile}`,
        "--window-size=1200,900",
        "about:blank",
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const url = await devtoolsUrl(child.stderr);
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    const page = new HeadlessPage(child, socket, profile);
    const { targetId } = await page.send("Target.createTarget", { url: "about:blank" });
    const attached = await page.send("Target.attachToTarget", { targetId, flatten: true });
    page.#session = attached.sessionId as string;
    await page.send("Network.enable", {}, true);
    await page.send("Page.enable", {}, true);
    return page;
  }

  /** Sends a DevTools command (to the page's session when `inPage`); resolves to its result. */
  send(
    method: string,
    params: Record<string, unknown> = {},
    inPage = false,
  ): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    const message: Message = { id, method, params };
    if (inPage) message.sessionId = this.#session;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (reply) => {
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
        else resolve(reply.result ?? {});
      });
      this.#socket.send(JSON.stringify(message));
    });
  }

  /** Loads `url` and waits for its load event. */
  async load(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) =>
      this.#waiters.push({ method: "Page.loadEventFired", resolve })
    );
    await this.send("Page.navigate", { url }, true);
    await loaded;
  }

  /** Evaluates `expression` in the page; resolves to its value. */
  async evaluate<T>(expression: string): Promise<T> {
    const reply = await this.send("Runtime.evaluate", { expression, returnByValue: true }, true);
    const result = reply.result as { value: T };
    if (reply.exceptionDetails) throw new Error(JSON.stringify(reply.exceptionDetails));
    return result.value;
  }

  /** Ends the browser and removes its profile. */
  async close(): Promise<void> {
    // Browser.close ends the zygotes and renderers too; the kill is the fallback.
    await Promise.race([
      this.send("Browser.close", {}, false).catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, 2000)),
    ]);
    this.#socket.close();
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone after Browser.close.
    }
    await this.#child.status;
    Deno.removeSync(this.#profile, { recursive: true });
  }

  #receive(message: Message): void {
    if (message.id !== undefined) {
      this.#pending.get(message.id)?.(message);
      this.#pending.delete(message.id);
      return;
    }
    if (message.method === "Network.requestWillBeSent") {
      const request = message.params!.request as { url: string };
      this.requests.push(request.url);
    }
    for (const waiter of this.#waiters.filter((w) => w.method === message.method)) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}

/** Reads the browser's stderr until it names its DevTools WebSocket. */
async function devtoolsUrl(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stderr.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
    const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
    if (match) {
      // Keep draining, so that a chatty browser never blocks on a full pipe.
      (async () => {
        while (!(await reader.read().catch(() => ({ done: true }))).done) { /* discard */ }
      })();
      return match[1];
    }
  }
  throw new Error(`chromium did not start:\n${text}`);
}
