/**
 * A YAML writer for plain data (objects, arrays, strings, numbers,
 * booleans, null), in block style, for Kubernetes manifests. Strings that a
 * YAML 1.1 reader (kubectl's) could take for anything but a string are
 * double-quoted with JSON's escapes, which YAML's double-quoted style
 * shares.
 *
 * @module
 */

/** Plain data: what a manifest is made of. */
export type YamlValue = string | number | boolean | null | YamlValue[] | {
  [key: string]: YamlValue | undefined;
};

/** YAML 1.1 words that read as booleans or null when unquoted. */
const SPECIAL_WORDS = /^(y|n|yes|no|on|off|true|false|null|~)$/i;

/** A string in YAML: plain when nothing can misread it, else double-quoted. */
function scalarString(text: string): string {
  const plain = /^[A-Za-z_/][A-Za-z0-9_./-]*$/.test(text) && !SPECIAL_WORDS.test(text);
  if (plain) return text;
  // JSON leaves U+0085, U+2028 and U+2029 raw; YAML would read them as line breaks.
  return JSON.stringify(text).replace(
    /[\u0085\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function scalar(value: string | number | boolean | null): string {
  if (typeof value === "string") return scalarString(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`no YAML for ${value}`);
    return String(value);
  }
  return String(value);
}

type Collection = YamlValue[] | { [key: string]: YamlValue | undefined };

const isCollection = (v: YamlValue): v is Collection => typeof v === "object" && v !== null;

/** The entries of an object that have a value (undefined ones are left out). */
function entriesOf(value: { [key: string]: YamlValue | undefined }): [string, YamlValue][] {
  return Object.entries(value).filter((e): e is [string, YamlValue] => e[1] !== undefined);
}

function isEmpty(value: Collection): boolean {
  return Array.isArray(value) ? value.length === 0 : entriesOf(value).length === 0;
}

/** The lines of `value`, indented by `pad`. */
function lines(value: YamlValue, pad: string): string[] {
  if (!isCollection(value)) return [pad + scalar(value)];
  if (isEmpty(value)) return [pad + (Array.isArray(value) ? "[]" : "{}")];
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (!isCollection(item) || isEmpty(item)) return [`${pad}- ${lines(item, "")[0]}`];
      // The item's first line goes after the dash; the rest line up under it.
      const inner = lines(item, pad + "  ");
      return [`${pad}- ${inner[0].slice(pad.length + 2)}`, ...inner.slice(1)];
    });
  }
  return entriesOf(value).flatMap(([key, item]) => {
    const head = `${pad}${scalarString(key)}:`;
    if (!isCollection(item) || isEmpty(item)) return [`${head} ${lines(item, "")[0]}`];
    // Sequences under a key sit at the key's indent, as kubectl prints them.
    return [head, ...lines(item, Array.isArray(item) ? pad : pad + "  ")];
  });
}

/** Whether `value` is plain data all the way down. */
function isPlain(value: unknown): value is YamlValue {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(isPlain);
  if (typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every((v) => v === undefined || isPlain(v));
}

/** `value` (plain data: objects, arrays, strings, numbers, booleans, null) as a YAML document. */
export function toYaml(value: object): string {
  if (!isPlain(value)) throw new TypeError("toYaml: not plain data");
  return lines(value, "").join("\n") + "\n";
}
