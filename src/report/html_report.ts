/**
 * `--html FILE` and `kali report RESULT --html FILE`: the result as one
 * self-contained web page, readable offline: the command line, tcpkali's
 * report and the figures behind it, the thresholds' outcomes, and charts
 * drawn by uPlot (npm:uplot, pinned in deno.json, inlined into the page).
 *
 * @module
 */
import uplotScript from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotStyle from "uplot/dist/uPlot.min.css" with { type: "text" };
import { C } from "../stats/counters.ts";
import { MEASURED_KINDS } from "../stats/latency_kinds.ts";
import type { RunResult } from "../stats/result.ts";
import type { ThresholdOutcome } from "../stats/thresholds.ts";
import { KIND_TITLES, resultCharts } from "./html_charts.ts";
import { CHART_SCRIPT } from "./html_client.ts";
import { measuredText } from "./threshold_lines.ts";

/** What the page shows. */
export interface HtmlInput {
  result: RunResult;
  /** Why the run ended, as kali said it. */
  reason: string[];
  /** tcpkali's report lines, as printed. */
  reportLines: string[];
  thresholds: ThresholdOutcome[];
}

/** Text for HTML. */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end the script element it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function table(head: string[], rows: string[][]): string {
  const cells = (tag: string, row: string[]) => row.map((c) => `<${tag}>${c}</${tag}>`).join("");
  return `<table><thead><tr>${cells("th", head)}</tr></thead><tbody>${
    rows.map((row) => `<tr>${cells("td", row)}</tr>`).join("")
  }</tbody></table>`;
}

function summary(input: HtmlInput): string {
  const r = input.result;
  const c = r.counters;
  const run = r.runCounters;
  const rows = [
    ["Status", esc(r.status)],
    ["Host", esc(r.setup.host ?? (r.parts.length ? `${r.parts.length} runs` : "unknown"))],
    ["Started", esc(r.startedAt?.toISOString() ?? "never")],
    [
      "Reported span",
      `${r.counted === "steady" ? "steady phase" : "whole run"}, ${r.durationSeconds.toFixed(3)} s`,
    ],
    ["Connections asked", String(r.setup.asked.connections)],
    ["Open at the end", `${c[C.openIn]} in, ${c[C.openOut]} out, ${c[C.connecting]} connecting`],
    [
      "Whole run",
      `${run[C.initiated]} initiated, ${run[C.accepted]} accepted, ${run[C.failures]} failed, ${
        run[C.timeouts]
      } timed out`,
    ],
    [
      "Messages",
      `${c[C.messagesWritten]} sent${
        r.setup.messageMarker ? `, ${c[C.messagesReceived]} received` : ""
      }`,
    ],
  ];
  return table(["", ""], rows);
}

function latencyTable(result: RunResult): string {
  const labels = result.percentiles.map((q) => q.label);
  const rows = MEASURED_KINDS.flatMap((kind) => {
    const h = result.histograms[kind];
    if (!h) return [];
    const ms = (v: number) => v.toFixed(1);
    return [[
      KIND_TITLES[kind],
      String(h.count),
      ms(h.minMs()),
      ms(h.meanMs()),
      ...result.percentiles.map((q) => ms(h.percentileMs(q.value))),
      ms(h.maxMs()),
    ]];
  });
  if (rows.length === 0) return "";
  return `<h2>Latency (ms)</h2>` +
    table(["", "samples", "min", "mean", ...labels.map((l) => `p${esc(l)}`), "max"], rows);
}

function thresholdTable(outcomes: ThresholdOutcome[]): string {
  if (outcomes.length === 0) return "";
  const rows = outcomes.map((o) => [
    `<span class="${o.passed ? "pass" : "fail"}">${o.passed ? "✓" : "✗"}</span>`,
    `<code>${esc(o.expression)}</code>`,
    esc(measuredText(o)),
  ]);
  return `<h2>Thresholds</h2>` + table(["", "threshold", "measured"], rows);
}

function partsTable(result: RunResult): string {
  if (result.parts.length === 0) return "";
  const rows = result.parts.map((p) => [
    esc(p.host ?? "?"),
    p.shard ? `${p.shard.index}/${p.shard.count}` : "",
    esc(p.startedAt ?? "never"),
    esc(p.status),
  ]);
  return `<h2>Merged runs</h2>` + table(["host", "shard", "started", "status"], rows);
}

const PAGE_STYLE = `body{font:14px system-ui,sans-serif;margin:16px;color:#222}
pre{background:#f4f4f4;padding:8px;overflow-x:auto}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}.pass{color:#080}.fail{color:#c00}
.chart{margin:16px 0}`;

/** The page. */
export function htmlReport(input: HtmlInput): string {
  const r = input.result;
  const command = ["kali", ...r.setup.argv].map(shellWord).join(" ");
  const charts = resultCharts(r);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kali: ${esc(command)}</title>
<link rel="icon" href="data:,">
<style>${uplotStyle}</style><style>${PAGE_STYLE}</style></head><body>
<h1>kali result</h1>
<pre>${esc(command)}</pre>
${summary(input)}
${input.reason.length ? `<pre>${esc(input.reason.join("\n"))}</pre>` : ""}
<h2>Report</h2>
<pre>${esc(input.reportLines.join("\n"))}</pre>
${latencyTable(r)}
${thresholdTable(input.thresholds)}
${partsTable(r)}
<h2>Charts</h2>
${charts.map((chart) => `<div class="chart" id="${chart.id}"></div>`).join("\n")}
<script type="application/json" id="kali-charts">${scriptJson(charts)}</script>
<script>${uplotScript}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}
