// A service that consumes and produces LLM Analytics Hub events with the generated Go module, written
// the way the module's README teaches. tests/test_go_consumer.py builds it as a module of its own
// (requiring github.com/llm-analytics-hub/llm-analytics-hub/generated/go through a local replace), vets it, runs
// staticcheck on it and runs it on examples/sample-events.ndjson.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	schemas "github.com/llm-analytics-hub/llm-analytics-hub/generated/go"
	"github.com/llm-analytics-hub/llm-analytics-hub/generated/go/v1_0_0/events"
	"github.com/llm-analytics-hub/llm-analytics-hub/generated/go/validation"
)

// describe names what an event carries, by its payload variant.
func describe(event events.AnalyticsEvent) string {
	switch payload := event.Payload.Value.(type) {
	case *events.TelemetryPayload:
		switch data := payload.Value.(type) {
		case *events.LatencyMetrics:
			return fmt.Sprintf("latency %s %.1f ms", data.ModelID, data.TotalLatencyMs)
		case *events.TokenUsageMetrics:
			return fmt.Sprintf("tokens %s %d", data.ModelID, data.TotalTokens)
		default:
			return fmt.Sprintf("telemetry %T", data)
		}
	case *events.SecurityPayload:
		return fmt.Sprintf("security %T", payload.Value)
	case *events.CostPayload:
		return fmt.Sprintf("cost %T", payload.Value)
	case *events.GovernancePayload:
		return fmt.Sprintf("governance %T", payload.Value)
	case *events.CustomPayload:
		return "custom " + payload.CustomType
	}
	return "no payload"
}

// report prints the findings of an error from Decode or Marshal, one line each.
func report(prefix string, err error) {
	var found validation.Findings
	if !errors.As(err, &found) {
		fmt.Printf("%s: %v\n", prefix, err)
		return
	}
	for _, f := range found {
		fmt.Printf("%s: %s %s\n", prefix, f.InstancePath, f.Keyword)
	}
}

func main() {
	// Read: every line of the input, strictly.
	lines := bufio.NewScanner(os.Stdin)
	lines.Buffer(make([]byte, 1<<20), 1<<24)
	for number := 1; lines.Scan(); number++ {
		event, err := schemas.Decode[events.AnalyticsEvent](lines.Bytes())
		if err != nil {
			report(fmt.Sprintf("line %d", number), fmt.Errorf("reading: %w", err))
			continue
		}
		fmt.Printf("line %d: %s\n", number, describe(event))
	}
	if err := lines.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}

	// Write: an event built in code, checked on the way out, then read back.
	ttft := 180.5
	latency := &events.LatencyMetrics{ModelID: "gpt-4o", RequestID: "req-1", TotalLatencyMs: 812.5, TTFTMs: &ttft}
	event := events.AnalyticsEvent{
		Timestamp:    validation.NewDateTime(time.Date(2024, 1, 15, 10, 30, 0, 412_000_000, time.UTC)),
		SourceModule: events.SourceModuleLLMObservatory,
		EventType:    events.EventTypeTelemetry,
		Severity:     events.SeverityInfo,
		Environment:  "production",
		Tags:         map[string]string{"team": "support-ai"},
		Payload:      events.EventPayload{Value: &events.TelemetryPayload{Value: latency}},
	}
	written, err := schemas.Marshal(event)
	if err != nil {
		report("built", err)
		os.Exit(1)
	}
	fmt.Printf("written: %s\n", written)
	back, err := schemas.Decode[events.AnalyticsEvent](written)
	if err != nil {
		report("read back", err)
		os.Exit(1)
	}
	when, err := back.Timestamp.Time()
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Printf("read back: %s at %s\n", describe(back), when.Format(time.RFC3339Nano))

	// Planted mistakes: each is refused on write, naming the member.
	id := validation.UUID("not-a-uuid")
	event.EventID = &id
	_, err = schemas.Marshal(event)
	report("bad event id", err)
	event.EventID = nil
	latency.TotalLatencyMs = math.NaN()
	_, err = schemas.Marshal(event)
	report("NaN latency", err)
	latency.TotalLatencyMs = 812.5
	event.Severity = "loud"
	report("unknown severity", validation.NewEncoder(os.Stdout).Encode(event))
}
