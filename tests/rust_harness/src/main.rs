//! Reads NDJSON cases on stdin and answers one line per case, in order (tests/agreement_cases.py).
//! With `--lenient`, validates and decodes with the producers' permissive reading (undeclared
//! members accepted). A case may carry its text as `"hex"` (the bytes of a raw text that is not
//! UTF-8, tests/raw_text_cases.py) instead of `"text"`. With `--stack-kib N`, the cases run in a
//! thread with an N KiB stack (tests/test_rust_raw_texts.py: deep documents stay within it).

use std::io::{BufRead, BufWriter, Write};

use llm_analytics_hub_schemas::__private::reserialize;
use llm_analytics_hub_schemas::{validate_json_with, Options};
use serde_json::{json, Value};

fn bytes_of(case: &Value) -> Vec<u8> {
    if let Some(hex) = case["hex"].as_str() {
        return (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digits"))
            .collect();
    }
    case["text"].as_str().expect("a case holds its document as text").as_bytes().to_vec()
}

fn answer(case: &Value, options: Options) -> Value {
    let version = case["version"].as_str();
    let type_name = case["type"].as_str().expect("a case names its type");
    let text = bytes_of(case);
    match validate_json_with(version, type_name, &text, options) {
        Ok(findings) => json!({
            "valid": findings.is_empty(),
            "errors": findings,
            "reserialized": if findings.is_empty() {
                reserialize(version, type_name, &text, options).and_then(Result::ok)
            } else {
                None
            },
        }),
        Err(error) => json!({"valid": false, "errors": [{"instance_path": "", "keyword": "usage",
                                                            "message": error.to_string()}],
                             "reserialized": null}),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let stack = args.iter().position(|a| a == "--stack-kib").map(|i| args[i + 1].parse::<usize>().expect("KiB"));
    let options = Options::default().lenient(args.iter().any(|a| a == "--lenient"));
    match stack {
        Some(kib) => std::thread::Builder::new()
            .stack_size(kib * 1024)
            .spawn(move || run(options))
            .expect("a thread")
            .join()
            .expect("the cases ran"),
        None => run(options),
    }
}

fn run(options: Options) {
    let stdin = std::io::stdin();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line.expect("readable stdin");
        if line.trim().is_empty() {
            continue;
        }
        let case: Value = serde_json::from_str(&line).expect("each line is a JSON case");
        writeln!(out, "{}", answer(&case, options)).expect("writable stdout");
    }
}
