//! The cost of the checked write (bench/bench_rust_write.py): reads 1.0.0 AnalyticsEvent lines from
//! stdin, keeps those that decode, then times, in rounds that run each measure once (so that a load
//! change on a shared machine hits all alike), per event:
//!   serde_json::to_string   the unchecked write
//!   to_json                 the checked write (serialize, read back, check)
//!   validate                the check alone (it writes to check)
//!   from_json               the checked read, for scale
//! Prints one JSON object: {"events", "rounds", "<measure>": [events/s of each round], ...}.

use std::io::Read;
use std::time::Instant;

use llm_analytics_hub_schemas::v1_0_0::events::AnalyticsEvent;

fn rate(events: usize, run: impl Fn() -> usize) -> f64 {
    let started = Instant::now();
    let done = run();
    assert_eq!(done, events);
    events as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(5, |n| n.parse().expect("rounds"));
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("readable stdin");
    let lines: Vec<&str> = input.lines().collect();
    let events: Vec<AnalyticsEvent> = lines.iter().filter_map(|line| AnalyticsEvent::from_json(line).ok()).collect();
    let texts: Vec<String> = events.iter().map(|e| e.to_json().expect("decoded events write")).collect();
    let count = events.len();
    let mut measures: Vec<(&str, Vec<f64>)> =
        ["serde_json::to_string", "to_json", "validate", "from_json"].iter().map(|m| (*m, Vec::new())).collect();
    for _ in 0..rounds {
        for (name, rates) in &mut measures {
            rates.push(match *name {
                "serde_json::to_string" => rate(count, || {
                    events.iter().map(|e| serde_json::to_string(e).expect("serializes")).filter(|t| !t.is_empty()).count()
                }),
                "to_json" => rate(count, || events.iter().filter_map(|e| e.to_json().ok()).count()),
                "validate" => rate(count, || events.iter().filter(|e| e.validate().is_ok()).count()),
                _ => rate(count, || texts.iter().filter_map(|t| AnalyticsEvent::from_json(t).ok()).count()),
            });
        }
    }
    let mut out = serde_json::json!({"events": count, "rounds": rounds});
    for (name, rates) in measures {
        out[name] = serde_json::json!(rates);
    }
    println!("{out}");
}
