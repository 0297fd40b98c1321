/**
 * `--html FILE` and `kali report RESULT --html FILE` in a real browser
 * (Debian's headless Chromium): the page of a real run draws every chart
 * it has (coloured series pixels on each canvas, not an empty frame) and
 * makes no request beyond its own file.
 */
import assert from "node:assert/strict";
import { CHART_PIXELS, HeadlessPage } from "../../_helpers/chromium.ts";
import { freePort, runKali } from "../../_helpers/kali.ts";
import { startRedis } from "../../_helpers/peers.ts";

/** Loads `file` and returns what each chart drew and what the page requested. */
async function inspect(file: string) {
  const page = await HeadlessPage.open();
  try {
    const url = new URL(`file://${file}`).href;
    await page.load(url);
    const drawn = await page.evaluate<string>(`document.body.dataset.chartsDrawn`);
    const charts = await page.evaluate<{ id: string; canvases: number; coloured: number }[]>(
      CHART_PIXELS,
    );
    const title = await page.evaluate<string>("document.title");
    return { url, drawn, charts, title, requests: [...page.requests] };
  } finally {
    await page.close();
  }
}

function checkPage(page: Awaited<ReturnType<typeof inspect>>, expected: string[]): void {
  assert.deepEqual(page.requests.filter((r) => r !== page.url && !r.startsWith("data:")), []);
  assert.deepEqual(page.charts.map((c) => c.id), expected);
  assert.equal(page.drawn, String(expected.length));
  for (const chart of page.charts) {
    assert.ok(chart.canvases >= 1, `${chart.id}: no canvas`);
    assert.ok(chart.coloured > 50, `${chart.id}: only ${chart.coloured} coloured pixels`);
  }
}

Deno.test("a self-loop run's page draws every chart offline", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const port = freePort();
    const run = await runKali([
      "-l",
      String(port),
      `127.0.0.1:${port}`,
      "-c",
      "10",
      "--connect-rate",
      "10",
      "-m",
      "hello",
      "-r",
      "50",
      "--latency-connect",
      "--latency-first-byte",
      "-T",
      "2",
      "--threshold",
      "connect.p95 < 1s",
      "--html",
      `${dir}/run.html`,
      "--json",
      `${dir}/run.json`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const page = await inspect(`${dir}/run.html`);
    checkPage(page, [
      "bandwidth",
      "messages",
      "connections",
      "latency-connect",
      "distribution-connect",
      "latency-firstbyte",
      "distribution-firstbyte",
    ]);
    assert.match(page.title, /^kali: kali -l \d+ 127\.0\.0\.1:\d+ -c 10/);
    const html = Deno.readTextFileSync(`${dir}/run.html`);
    assert.match(html, /✓<\/span><\/td><td><code>connect\.p95 &#60; 1s<\/code>/);
    assert.ok(html.includes(run.stdout.split("\n")[0]), "the report's lines are on the page");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("kali report renders a redis-server run's result file as a page", async () => {
  const redis = await startRedis();
  const dir = Deno.makeTempDirSync();
  try {
    const run = await runKali([
      "-c",
      "4",
      "-em",
      "PING\\r\\n",
      "--latency-marker",
      "PONG",
      "-r",
      "100",
      "-T",
      "2",
      "--json",
      `${dir}/r.json`,
      `127.0.0.1:${redis.port}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const report = await runKali(["report", `${dir}/r.json`, "--html", `${dir}/r.html`]);
    assert.equal(report.code, 0, report.stderr);
    assert.equal(report.stdout, run.stdout, "the same report lines");
    checkPage(await inspect(`${dir}/r.html`), [
      "bandwidth",
      "messages",
      "connections",
      "latency-message",
      "distribution-message",
      "latency-corrected",
      "distribution-corrected",
    ]);
  } finally {
    await redis.stop();
    Deno.removeSync(dir, { recursive: true });
  }
});
