/**
 * A validator for the subset of JSON Schema (2020-12) that
 * docs/kali-result.schema.json uses: type (one or a list), required,
 * properties, additionalProperties (a schema, or false: no other property),
 * items, enum, minimum, maximum, local $ref. Returns the list of violations (empty: valid).
 */

/** A JSON Schema object (the subset above). */
export type Schema = {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | false;
  items?: Schema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  $ref?: string;
  $defs?: Record<string, Schema>;
};

function typeOf(value: unknown): string[] {
  if (value === null) return ["null"];
  if (Array.isArray(value)) return ["array"];
  if (typeof value === "number") {
    return Number.isInteger(value) ? ["integer", "number"] : ["number"];
  }
  return [typeof value];
}

/** Validates `value` against `schema`; `root` resolves `#/$defs/…` refs. */
export function validate(
  value: unknown,
  schema: Schema,
  root: Schema = schema,
  at = "$",
): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace("#/$defs/", "");
    const target = root.$defs?.[name];
    if (!target) return [`${at}: unknown $ref ${schema.$ref}`];
    return validate(value, target, root, at);
  }
  const errors: string[] = [];
  if (schema.type) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!typeOf(value).some((t) => allowed.includes(t))) {
      return [`${at}: expected ${allowed.join("|")}, got ${typeOf(value)[0]}`];
    }
  }
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at}: ${value} not in enum`);
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: < minimum`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at}: > maximum`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => errors.push(...validate(item, schema.items!, root, `${at}[${i}]`)));
  } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in object)) errors.push(`${at}: missing ${key}`);
    }
    for (const [key, item] of Object.entries(object)) {
      const sub = schema.properties?.[key] ?? schema.additionalProperties;
      if (sub === false) errors.push(`${at}: unexpected ${key}`);
      else if (sub) errors.push(...validate(item, sub, root, `${at}.${key}`));
    }
  }
  return errors;
}
