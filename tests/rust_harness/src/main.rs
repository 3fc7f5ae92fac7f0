//! Reads NDJSON cases on stdin and answers one line per case, in order (tests/agreement_cases.py).
//! With `--lenient`, validates with the producers' permissive reading (undeclared members accepted).

use std::io::{BufRead, BufWriter, Write};

use llm_analytics_hub_schemas::{reserialize, validate_json_with};
use serde_json::{json, Value};

fn answer(case: &Value, lenient: bool) -> Value {
    let version = case["version"].as_str();
    let type_name = case["type"].as_str().expect("a case names its type");
    let text = case["text"].as_str().expect("a case holds its document as text");
    match validate_json_with(version, type_name, text, lenient) {
        Ok(findings) => json!({
            "valid": findings.is_empty(),
            "errors": findings,
            "reserialized": if findings.is_empty() { reserialize(version, type_name, text) } else { None },
        }),
        Err(error) => json!({"valid": false, "errors": [{"instance_path": "", "keyword": "usage",
                                                            "message": error.to_string()}],
                             "reserialized": null}),
    }
}

fn main() {
    let lenient = std::env::args().any(|a| a == "--lenient");
    let stdin = std::io::stdin();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line.expect("readable stdin");
        if line.trim().is_empty() {
            continue;
        }
        let case: Value = serde_json::from_str(&line).expect("each line is a JSON case");
        writeln!(out, "{}", answer(&case, lenient)).expect("writable stdout");
    }
}
