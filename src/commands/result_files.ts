/**
 * What `kali merge` and `kali report` share: their command line (result
 * files or `-`, and the outputs `--json`, `--hdr-log`, `--html`,
 * `--threshold`), reading results (a file or stdin may hold several
 * documents, as `kubectl logs` of many pods does), and writing the outputs.
 *
 * @module
 */
import { loadHistogramLibrary } from "../stats/hdr_library.ts";
import { parseThreshold } from "../cli/thresholds.ts";
import { requireWrite } from "../cli/permission_check.ts";
import { EXIT, readPermittedFile, UsageError } from "../errors.ts";
import type { Threshold } from "../plan.ts";
import { hdrLog } from "../report/hdr_log.ts";
import { htmlReport } from "../report/html_report.ts";
import { buildResult, type ResultInput, resultText } from "../report/json_result.ts";
import { type LoadedResult, readResult, splitDocuments } from "../stats/result_file.ts";
import type { Terminal } from "./terminal.ts";

/** A result command's command line. */
export interface ResultArgs {
  /** Result files; `-`: standard input. */
  inputs: string[];
  json: string | null;
  hdrLog: string | null;
  html: string | null;
  thresholds: Threshold[];
}

const VALUE_OPTIONS = ["--json", "--hdr-log", "--html", "--threshold"];

/** Parses `RESULT... [--json OUT] [--hdr-log OUT] [--html OUT] [--threshold EXPR]...`. */
export function parseResultArgs(args: string[], usage: string): ResultArgs {
  const parsed: ResultArgs = { inputs: [], json: null, hdrLog: null, html: null, thresholds: [] };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].startsWith("--") ? args[i].split(/=(.*)/s, 2) : [args[i]];
    if (!VALUE_OPTIONS.includes(name)) {
      if (name !== "-" && name.startsWith("-")) {
        throw new UsageError([`unknown option ${name}`, usage]);
      }
      parsed.inputs.push(name);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError([`${name} needs a value`, usage]);
    if (name === "--threshold") parsed.thresholds.push(parseThreshold(value));
    else if (name === "--json") parsed.json = value;
    else if (name === "--hdr-log") parsed.hdrLog = value;
    else parsed.html = value;
  }
  if (parsed.inputs.length === 0) throw new UsageError(["no result given", usage]);
  const files = [parsed.json === "-" ? null : parsed.json, parsed.hdrLog, parsed.html];
  requireWrite(files.filter((file) => file !== null));
  return parsed;
}

/** Every result the inputs hold, named by file (`file#2`: its second document). */
export async function loadResults(inputs: string[], io: Terminal): Promise<LoadedResult[]> {
  // Results carry histograms; reading and adding them needs the library.
  await loadHistogramLibrary();
  const loaded: LoadedResult[] = [];
  for (const input of inputs) {
    const text = input === "-"
      ? await io.readStdin()
      : new TextDecoder().decode(readPermittedFile(input));
    const documents = splitDocuments(text);
    if (documents.length === 0) {
      throw new UsageError(`${input}: no kali result (a JSON object) in it`, EXIT.dataError);
    }
    documents.forEach((document, n) => {
      const result = readResult(document, documents.length > 1 ? `${input}#${n + 1}` : input);
      for (const note of result.notes) io.stderr(`kali: ${note}\n`);
      loaded.push(result);
    });
  }
  return loaded;
}

/** Writes the asked outputs of `input`: JSON (`-`: stdout), interval log, web page. */
export function writeOutputs(args: ResultArgs, input: ResultInput, io: Terminal): void {
  const write = (file: string, text: () => string) => {
    try {
      Deno.writeTextFileSync(file, text());
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      throw new UsageError(`${file}: ${(error as Error).message}`, EXIT.failure);
    }
  };
  if (args.hdrLog !== null) write(args.hdrLog, () => hdrLog(input.result));
  if (args.html !== null) write(args.html, () => htmlReport(input));
  if (args.json === "-") io.stdout(resultText(buildResult(input)));
  else if (args.json !== null) write(args.json, () => resultText(buildResult(input)));
}
