// Ajv's rate on an NDJSON file of AnalyticsEvents, timed inside one Node process, for bench/bench_validate.py.
//
//   node bench/ajv_rate.mjs EVENTS.ndjson [BUNDLES_DIR]
//
// Ajv 2020 + ajv-formats (pinned in tests/node/package-lock.json: `make node-deps`) compiles the bundle
// BUNDLES_DIR/<version>/events/AnalyticsEvent.json (default generated/jsonschema) of every version once.
// Each line is dispatched on its schema_version like `llm-hub validate` (absent: 1.0.0; a version without
// a bundle counts as invalid). Ajv runs in verdict mode (allErrors off: it stops at the first error), the
// fastest way it can answer "valid or not". Prints one JSON object:
//   {"lines", "valid", "invalid", "compile_seconds", "parse_seconds", "seconds"}
// parse_seconds: JSON.parse of every line alone; seconds: JSON.parse + validate of every line.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "tests", "node", "package.json"));
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const DEFAULT_VERSION = "1.0.0";

function seconds(start) {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

// version -> compiled validate function of that version's AnalyticsEvent bundle
function compileBundles(bundlesDir) {
  // strictTypes off as in generated/typescript: `unevaluatedProperties` sits next to a `$ref` that supplies the type.
  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true,
    validateFormats: true });
  addFormats(ajv);
  const validators = new Map();
  for (const version of readdirSync(bundlesDir).sort()) {
    const file = path.join(bundlesDir, version, "events", "AnalyticsEvent.json");
    if (existsSync(file)) {
      validators.set(version, ajv.compile(JSON.parse(readFileSync(file, "utf8"))));
    }
  }
  return validators;
}

function versionOf(doc) {
  if (doc !== null && typeof doc === "object" && !Array.isArray(doc) && typeof doc.schema_version === "string") {
    return doc.schema_version;
  }
  return DEFAULT_VERSION;
}

function readLines(file) {
  return readFileSync(file, "utf8").split("\n").filter((line) => line.trim() !== "");
}

function timeParse(lines) {
  const start = process.hrtime.bigint();
  let parsed = 0;
  for (const line of lines) {
    parsed += JSON.parse(line) === null ? 0 : 1;
  }
  return { seconds: seconds(start), parsed };
}

function timeValidate(lines, validators) {
  const start = process.hrtime.bigint();
  let valid = 0;
  for (const line of lines) {
    const doc = JSON.parse(line);
    const check = validators.get(versionOf(doc));
    if (check !== undefined && check(doc)) {
      valid += 1;
    }
  }
  return { seconds: seconds(start), valid };
}

const [eventsFile, bundlesDir = path.join(root, "generated", "jsonschema")] = process.argv.slice(2);
const compileStart = process.hrtime.bigint();
const validators = compileBundles(bundlesDir);
const compileSeconds = seconds(compileStart);
const lines = readLines(eventsFile);
const parse = timeParse(lines);
const validate = timeValidate(lines, validators);
process.stdout.write(JSON.stringify({
  lines: lines.length,
  valid: validate.valid,
  invalid: lines.length - validate.valid,
  compile_seconds: compileSeconds,
  parse_seconds: parse.seconds,
  seconds: validate.seconds,
}) + "\n");
