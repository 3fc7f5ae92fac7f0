// Reads analytics events (one JSON document per line on stdin), says what each one is or why it is
// refused, then writes a cost event of its own, reads it back, and has a planted bad value refused.
import { readFileSync } from "node:fs";

import { isValid, validateJSON, writeJSON, type v1_0_0 } from "@llm-analytics-hub/schemas";

type AnalyticsEvent = v1_0_0.events.AnalyticsEvent;
const EVENTS = { schema: "events.AnalyticsEvent", version: "1.0.0" } as const;

function describe(event: AnalyticsEvent): string {
  const payload = event.payload;
  switch (payload.payload_type) {
    case "telemetry": {
      const data = payload.data;
      if (data.telemetry_type === "latency") {
        return `${data.model_id} took ${data.total_latency_ms} ms`; // narrowed to LatencyMetrics
      }
      return `telemetry: ${data.telemetry_type}`;
    }
    case "cost":
      return payload.data.cost_type === "token_cost"
        ? `${payload.data.model_id} cost ${payload.data.total_cost_usd} USD`
        : `cost: ${payload.data.cost_type}`;
    default:
      return `a ${payload.payload_type} event`;
  }
}

const lines = readFileSync(0, "utf8").split("\n").filter((line) => line.length > 0);
lines.forEach((line, index) => {
  const result = validateJSON(line, EVENTS);
  if (result.valid) {
    console.log(`line ${index + 1}: ${describe(result.value)}`);
  } else {
    for (const error of result.errors) {
      console.log(`line ${index + 1}: invalid: ${error.instance_path} ${error.keyword} ${error.message}`);
    }
  }
});

// A type guard narrows an unknown value.
const first: unknown = JSON.parse(lines[0] ?? "null");
if (isValid(first, EVENTS)) {
  console.log(`guarded: ${first.source_module} ${first.payload.payload_type}`);
}

function costEvent(costPerRequest: number): AnalyticsEvent {
  return {
    event_id: "5f0c1c9e-8a3b-4d3e-9c55-2b6f7e1d9a40",
    timestamp: "2024-01-31T23:59:59+01:00",
    source_module: "llm-cost-ops",
    event_type: "cost",
    schema_version: "1.0.0",
    severity: "info",
    environment: "production",
    tags: {},
    payload: {
      payload_type: "cost",
      data: {
        cost_type: "api_cost",
        provider: "openai",
        api_endpoint: "/v1/chat/completions",
        request_count: 1200,
        cost_per_request: costPerRequest,
        total_cost_usd: 3.6,
        billing_period: "2024-01",
      },
    },
  };
}

const written = writeJSON(costEvent(0.003), EVENTS);
if (!written.valid) {
  throw new Error(`could not write the cost event: ${JSON.stringify(written.errors)}`);
}
const back = validateJSON(written.text, EVENTS);
if (!back.valid || JSON.stringify(back.value) !== JSON.stringify(costEvent(0.003))) {
  throw new Error("what writeJSON wrote does not read back");
}
console.log(`wrote and read back: ${written.text}`);

const refused = writeJSON(costEvent(Number.POSITIVE_INFINITY), EVENTS);
if (refused.valid) {
  throw new Error(`an infinite price was written: ${refused.text}`);
}
for (const error of refused.errors) {
  console.log(`refused on write: ${error.instance_path} ${error.keyword}`);
}

// Names and versions are literal types: a typo does not compile (never called: it would throw).
export function typos(): void {
  // @ts-expect-error: no such type
  validateJSON("{}", { schema: "events.AnalyticEvent" });
  // @ts-expect-error: no such version
  validateJSON("{}", { schema: "events.AnalyticsEvent", version: "9.9.9" });
}
