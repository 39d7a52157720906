/**
 * A small proto-JSON reader in the manner of Google's front end: it accepts lowerCamel and snake_case
 * names, treats `null` as absent, parses enums case-insensitively, and reports every unknown name or
 * ill-typed value with Google's wording, e.g.
 * `Invalid JSON payload received. Unknown name "x" at 'generation_config': Cannot find field.`
 * The result has lowerCamel names only, so the rest of the fake reads one spelling.
 */
import { FakeHttpError, type FieldViolation, invalidPayload } from "./errors.js";
import type { FieldSpec, FieldType, MessageSpec } from "./request-schema.js";

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses `body` as `message`, or throws the 400 Google answers. */
export function parseProtoJson(body: unknown, message: MessageSpec): JsonObject {
  const violations: FieldViolation[] = [];
  const parsed = readMessage(body, message, "", violations);
  if (violations.length > 0 || parsed === undefined) throw new FakeHttpError(invalidPayload(violations));
  return parsed;
}

export function toSnakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

const namesByMessage = new WeakMap<MessageSpec, Map<string, string>>();

/** Both spellings of every field, mapped to the lowerCamel one. */
function fieldNames(message: MessageSpec): Map<string, string> {
  let names = namesByMessage.get(message);
  if (!names) {
    names = new Map();
    for (const camel of Object.keys(message.fields)) {
      names.set(camel, camel);
      names.set(toSnakeCase(camel), camel);
    }
    namesByMessage.set(message, names);
  }
  return names;
}

const at = (path: string) => (path === "" ? "" : ` at '${path}'`);
const join = (path: string, name: string) => (path === "" ? name : `${path}.${name}`);

function unknownName(name: string, parentPath: string, reason: string): FieldViolation {
  return {
    field: parentPath === "" ? undefined : parentPath,
    description: `Invalid JSON payload received. Unknown name "${name}"${at(parentPath)}: ${reason}`,
  };
}

function invalidValue(path: string, typeName: string, value: unknown, detail?: string): FieldViolation {
  let shown = detail ?? JSON.stringify(value) ?? String(value);
  if (shown.length > 120) shown = `${shown.slice(0, 120)}…`;
  return { field: path, description: `Invalid value at '${path}' (${typeName}), ${shown}` };
}

function messageTypeName(message: MessageSpec): string {
  return `type.googleapis.com/google.ai.generativelanguage.v1beta.${message.name}`;
}

function readMessage(
  value: unknown,
  message: MessageSpec,
  path: string,
  violations: FieldViolation[],
): JsonObject | undefined {
  if (!isJsonObject(value)) {
    violations.push(invalidValue(path, messageTypeName(message), value));
    return undefined;
  }
  const names = fieldNames(message);
  const result: JsonObject = {};
  for (const [jsonName, member] of Object.entries(value)) {
    const name = names.get(jsonName);
    if (name === undefined) {
      violations.push(unknownName(jsonName, path, "Cannot find field."));
      continue;
    }
    if (member === null) continue;
    const field = message.fields[name] as FieldSpec;
    const parsed = readField(member, field, jsonName, path, join(path, toSnakeCase(name)), violations);
    if (parsed !== undefined) result[name] = parsed;
  }
  return result;
}

function readField(
  value: unknown,
  field: FieldSpec,
  jsonName: string,
  parentPath: string,
  path: string,
  violations: FieldViolation[],
): unknown {
  if (field.repeated) {
    // A single value where a list is expected is taken as a one-element list.
    if (!Array.isArray(value)) {
      const single = readSingle(value, field.type, jsonName, parentPath, path, violations);
      return single === undefined ? undefined : [single];
    }
    const items: unknown[] = [];
    value.forEach((item, index) => {
      const parsed = readSingle(item, field.type, jsonName, parentPath, `${path}[${index}]`, violations);
      if (parsed !== undefined) items.push(parsed);
    });
    return items;
  }
  if (Array.isArray(value) && field.type.kind !== "value" && field.type.kind !== "opaque") {
    violations.push(unknownName(jsonName, parentPath, "Proto field is not repeating, cannot start list."));
    return undefined;
  }
  return readSingle(value, field.type, jsonName, parentPath, path, violations);
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function readSingle(
  value: unknown,
  type: FieldType,
  jsonName: string,
  parentPath: string,
  path: string,
  violations: FieldViolation[],
): unknown {
  if (type.kind !== "message" && type.kind !== "map" && type.kind !== "struct" && type.kind !== "value") {
    if (type.kind !== "opaque" && isJsonObject(value)) {
      violations.push(unknownName(jsonName, parentPath, "Starting an object on a scalar field"));
      return undefined;
    }
  }
  switch (type.kind) {
    case "message":
      return readMessage(value, type.message(), path, violations);
    case "map":
      return readMap(value, type.message(), path, violations);
    case "struct":
      if (isJsonObject(value)) return value;
      violations.push(invalidValue(path, "type.googleapis.com/google.protobuf.Struct", value));
      return undefined;
    case "value":
    case "opaque":
      return value;
    case "enum":
      return readEnum(value, type.typeName, type.values, path, violations);
    case "scalar":
      switch (type.scalar) {
        case "string":
          if (typeof value === "string") return value;
          break;
        case "bytes":
          if (typeof value === "string") {
            if (BASE64.test(value)) return value;
            violations.push(
              invalidValue(path, "TYPE_BYTES", value, `Base64 decoding failed for ${JSON.stringify(value)}`),
            );
            return undefined;
          }
          break;
        case "bool":
          if (typeof value === "boolean") return value;
          break;
        case "float": {
          const number = toNumber(value);
          if (number !== undefined) return number;
          break;
        }
        case "int32":
        case "int64": {
          const number = toNumber(value);
          if (number !== undefined && Number.isInteger(number)) return number;
          break;
        }
      }
      violations.push(invalidValue(path, `TYPE_${type.scalar.toUpperCase()}`, value));
      return undefined;
  }
}

/** Proto-JSON takes numbers as JSON numbers or as strings. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

function readEnum(
  value: unknown,
  typeName: string,
  values: readonly string[],
  path: string,
  violations: FieldViolation[],
): string | undefined {
  if (typeof value === "string") {
    const upper = value.toUpperCase();
    if (values.includes(upper)) return upper;
  } else if (typeof value === "number" && Number.isInteger(value) && values[value] !== undefined) {
    return values[value];
  }
  violations.push(invalidValue(path, typeName, value));
  return undefined;
}

function readMap(
  value: unknown,
  message: MessageSpec,
  path: string,
  violations: FieldViolation[],
): JsonObject | undefined {
  if (!isJsonObject(value)) {
    violations.push(invalidValue(path, messageTypeName(message), value));
    return undefined;
  }
  const result: JsonObject = {};
  // Google names a map entry by its position: `properties[1].value`.
  Object.entries(value).forEach(([key, entry], index) => {
    const parsed = readMessage(entry, message, `${path}[${index}].value`, violations);
    if (parsed !== undefined) result[key] = parsed;
  });
  return result;
}
