//! Reads analytics events (one JSON document per line on stdin), reports the slow LLM calls and the
//! lines it refuses, then writes a cost event of its own and reads it back.

use std::io::BufRead;
use std::process::ExitCode;

use llm_analytics_hub_schemas::v1_0_0::events::{
    AnalyticsEvent, ApiCostEvent, CostPayload, EventPayload, EventType, Severity, SourceModule, TelemetryPayload,
};
use llm_analytics_hub_schemas::{DecodeError, Timestamp};

fn report(number: usize, line: &str) {
    match AnalyticsEvent::from_json(line) {
        Ok(event) => match &event.payload {
            EventPayload::Telemetry(TelemetryPayload::Latency(latency)) => {
                println!("line {number}: {} took {} ms at {}", latency.model_id, latency.total_latency_ms,
                         event.timestamp.to_utc());
            }
            EventPayload::Cost(CostPayload::TokenCost(cost)) => {
                println!("line {number}: {} cost {} USD", cost.model_id, cost.total_cost_usd);
            }
            _ => println!("line {number}: a {} event", event.event_type),
        },
        Err(DecodeError::Invalid(invalid)) => {
            for finding in invalid.findings() {
                println!("line {number}: invalid: {finding}");
            }
        }
        Err(error) => println!("line {number}: {error}"),
    }
}

fn cost_event(cost_per_request: f64) -> AnalyticsEvent {
    let cost = ApiCostEvent {
        provider: "openai".to_string(),
        api_endpoint: "/v1/chat/completions".to_string(),
        request_count: 1200,
        cost_per_request,
        total_cost_usd: 3.6,
        billing_period: "2024-01".to_string(),
    };
    AnalyticsEvent {
        event_id: Some("5f0c1c9e-8a3b-4d3e-9c55-2b6f7e1d9a40".parse().expect("a uuid")),
        timestamp: "2024-01-31T23:59:59+01:00".parse::<Timestamp>().expect("a date-time"),
        source_module: "llm-cost-ops".parse::<SourceModule>().expect("a module"),
        event_type: EventType::Cost,
        correlation_id: None,
        parent_event_id: None,
        schema_version: "1.0.0".to_string(),
        severity: Severity::Info,
        environment: "production".to_string(),
        tags: Default::default(),
        payload: EventPayload::Cost(cost.into()),
    }
}

fn main() -> ExitCode {
    for (index, line) in std::io::stdin().lock().lines().enumerate() {
        report(index + 1, &line.expect("readable stdin"));
    }

    let event = cost_event(0.003);
    let text = match event.to_json() {
        Ok(text) => text,
        Err(error) => {
            eprintln!("could not write the cost event: {error}");
            return ExitCode::FAILURE;
        }
    };
    let back = AnalyticsEvent::from_json(&text).expect("what to_json writes reads back");
    assert_eq!(back, event);
    println!("wrote and read back: {text}");

    match cost_event(f64::INFINITY).to_json() {
        Ok(text) => {
            eprintln!("an infinite price was written: {text}");
            ExitCode::FAILURE
        }
        Err(refused) => {
            for finding in refused.findings() {
                println!("refused on write: {finding}");
            }
            ExitCode::SUCCESS
        }
    }
}
