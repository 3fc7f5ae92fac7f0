// Verdicts of the npm package (generated/typescript) on the documents of a cases file, for
// tests/test_typescript.py, which compares them with the Python validator.
//
//   NODE_PATH=tests/node/node_modules node tests/node/agreement.mjs CASES.json [PACKAGE_DIR]
//
// CASES.json: [{"type": "events.AnalyticsEvent", "version": "1.0.0" | null, "text": "<JSON text>"}, ...]
// Prints one JSON array, one entry per case, in order:
//   {"text": RESULT, "parsed": RESULT}
//   RESULT = {"valid": bool, "paths": [...], "keywords": [...], "hints": [[instance_path, hint], ...]}
// "text" is validateJSON(text) (integers exact), "parsed" is validate(JSON.parse(text)).
// A raw-text case ({"raw": true, "text" or "hex": the bytes}, tests/raw_text_cases.py) gets
// validateJSON alone, of the string or of the bytes; "parsed" is null.
// NODE_PATH lets the package find ajv and ajv-formats installed under tests/node/node_modules.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const [casesFile, packageDir = path.join(here, "..", "..", "generated", "typescript")] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const hub = require(path.resolve(packageDir));

function summary(result) {
  return {
    valid: result.valid,
    paths: [...new Set(result.errors.map((error) => error.instance_path))].sort(),
    keywords: result.errors.map((error) => error.keyword),
    hints: [...new Set(result.errors.filter((error) => error.hint !== undefined)
      .map((error) => JSON.stringify([error.instance_path, error.hint])))].sort().map((pair) => JSON.parse(pair)),
  };
}

const cases = JSON.parse(readFileSync(casesFile, "utf8"));
const started = process.hrtime.bigint();
const results = cases.map((item) => {
  const options = { schema: item.type };
  if (item.version !== null) {
    options.version = item.version;
  }
  if (item.raw) {
    const input = item.hex !== undefined ? new Uint8Array(Buffer.from(item.hex, "hex")) : item.text;
    return { text: summary(hub.validateJSON(input, options)), parsed: null };
  }
  return {
    text: summary(hub.validateJSON(item.text, options)),
    parsed: summary(hub.validate(JSON.parse(item.text), options)),
  };
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stderr.write(`agreement.mjs: ${cases.length} documents validated twice in ${seconds.toFixed(2)} s\n`);
process.stdout.write(JSON.stringify(results));
