"""OpenTelemetry in and out: OTLP spans and metrics become validated hub events (import, serve), telemetry is
checked against the GenAI conventions (check), and events go back to OTLP (export). The mapping is data:
`schemas/otel-mapping/<version>.json` (see `mapping`)."""
