// The public API of the generated Go module, used the way a Go service would use it. Run by
// tests/test_go.py in a throw-away module that requires github.com/llm-analytics-hub/llm-analytics-hub/generated/go
// through a local replace directive.
package consumer

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	schemas "github.com/llm-analytics-hub/llm-analytics-hub/generated/go"
	"github.com/llm-analytics-hub/llm-analytics-hub/generated/go/v1_1_0/events"
	"github.com/llm-analytics-hub/llm-analytics-hub/generated/go/validation"
)

const event = `{"event_id": "c954d3c8-4e25-466f-a5ff-1cdb8fc5b912", "timestamp": "2024-01-15T10:30:00.412Z",
 "source_module": "llm-observatory", "event_type": "telemetry", "schema_version": "1.1.0", "severity": "info",
 "environment": "production", "correlation_id": null,
 "payload": {"payload_type": "telemetry", "data": {"telemetry_type": "error_rate", "model_id": "gpt-4o",
   "total_requests": 18446744073709551615, "failed_requests": 3, "error_rate_percent": 0.5,
   "error_breakdown": {"timeout": 3}, "window_duration_seconds": 60}}}`

func with(old, new string) []byte { return []byte(strings.Replace(event, old, new, 1)) }

func locations(found []validation.Finding) map[string]string {
	out := map[string]string{}
	for _, f := range found {
		out[f.InstancePath] = f.Keyword
	}
	return out
}

func expect(t *testing.T, found []validation.Finding, path, keyword string) {
	t.Helper()
	if got, ok := locations(found)[path]; !ok || got != keyword {
		t.Fatalf("expected %s at %q, got %v", keyword, path, found)
	}
}

// expectError checks that err is a validation.Findings (also through %w) with keyword at path.
func expectError(t *testing.T, err error, path, keyword string) {
	t.Helper()
	var found validation.Findings
	if !errors.As(fmt.Errorf("wrapped: %w", err), &found) {
		t.Fatalf("expected Findings, got %T %v", err, err)
	}
	expect(t, found, path, keyword)
}

func TestValidDocumentDecodesIntoTypes(t *testing.T) {
	if found := schemas.ValidateJSON("", "events.AnalyticsEvent", []byte(event)); len(found) != 0 {
		t.Fatalf("valid event rejected: %v", found)
	}
	decoded, err := schemas.Decode[events.AnalyticsEvent]([]byte(event))
	if err != nil {
		t.Fatal(err)
	}
	telemetry, ok := decoded.Payload.Value.(*events.TelemetryPayload)
	if !ok {
		t.Fatalf("payload is %T", decoded.Payload.Value)
	}
	rate, ok := telemetry.Value.(*events.ErrorRateMetrics)
	if !ok {
		t.Fatalf("telemetry is %T", telemetry.Value)
	}
	if rate.TotalRequests != math.MaxUint64 {
		t.Fatalf("u64 not exact: %d", rate.TotalRequests)
	}
	if decoded.CorrelationID != nil || decoded.ParentEventID != nil {
		t.Fatal("null and absent are not both nil")
	}
	when, err := decoded.Timestamp.Time()
	if err != nil || when.Nanosecond() != 412000000 {
		t.Fatalf("timestamp %v %v", when, err)
	}
	written, err := validation.Marshal(decoded)
	// correlation_id: null is left out (the producers skip it); tags: absent is written as its default {}
	want := strings.Replace(strings.Replace(event, `"correlation_id": null,`, "", 1), `"environment": "production",`,
		`"environment": "production", "tags": {},`, 1)
	if err != nil || !validation.SameJSON(written, []byte(want)) {
		t.Fatalf("round trip changed the document: %s %v", written, err)
	}
}

func TestStrictDecodingRejectsWhatEncodingJSONWouldAccept(t *testing.T) {
	var decoded events.AnalyticsEvent
	cases := map[string]struct {
		data          []byte
		path, keyword string
	}{
		"unknown member":      {with(`"environment"`, `"Environment": "x", "environment"`), "", "unevaluatedProperties"},
		"missing required":    {with(`"severity": "info",`, ""), "", "required"},
		"wrong enum value":    {with(`"severity": "info"`, `"severity": "INFO"`), "/severity", "enum"},
		"u64 beyond range":    {with("18446744073709551615", "18446744073709551616"), "/payload/data/total_requests", "maximum"},
		"duplicate member":    {with(`"severity": "info"`, `"severity": "info", "severity": "error"`), "", "parse"},
		"calendar date-time":  {with("2024-01-15T", "2023-02-29T"), "/timestamp", "format"},
		"member of wrong tag": {with(`"telemetry_type": "error_rate"`, `"telemetry_type": "latency"`), "/payload/data", "unevaluatedProperties"},
	}
	for name, c := range cases {
		err := validation.Unmarshal(c.data, &decoded)
		if err == nil {
			t.Fatalf("%s: accepted", name)
		}
		expectError(t, err, c.path, c.keyword)
	}
}

func TestLenientReadingIgnoresUndeclaredMembers(t *testing.T) {
	data := with(`"environment"`, `"region": "eu", "environment"`)
	var decoded events.AnalyticsEvent
	if err := validation.Unmarshal(data, &decoded, validation.Options{Lenient: true}); err != nil {
		t.Fatalf("lenient reading rejected an undeclared member: %v", err)
	}
	if decoded.Environment != "production" {
		t.Fatal("lenient reading lost a declared member")
	}
	if err := validation.Unmarshal(with(`"severity": "info"`, `"severity": 1`), &decoded, validation.Options{Lenient: true}); err == nil {
		t.Fatal("lenient reading accepted a wrong type")
	}
}

func TestVersionDispatch(t *testing.T) {
	traced := with(`"environment"`, `"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "environment"`)
	if found := schemas.ValidateJSON("", "events.AnalyticsEvent", traced); len(found) != 0 {
		t.Fatalf("1.1.0 member rejected under dispatch: %v", found)
	}
	expect(t, schemas.ValidateJSON("1.0.0", "events.AnalyticsEvent", traced), "", "unevaluatedProperties")
	expect(t, schemas.ValidateJSON("", "AnalyticsEvent", with(`"1.1.0"`, `"9.9.9"`)), "/schema_version", "schema_version")
	expect(t, schemas.ValidateJSON("1.0.0", "events.Nope", []byte(event)), "", "type_name")
	for _, broken := range []string{`{"a": 1} {}`, `{"a": }`, `[1, 2`, ``, "\xff"} {
		expect(t, schemas.ValidateJSON("", "events.AnalyticsEvent", []byte(broken)), "", "parse")
	}
	value, err := schemas.DecodeType("", "events.AnalyticsEvent", []byte(event))
	if _, ok := value.(*events.AnalyticsEvent); !ok || err != nil {
		t.Fatalf("dispatch decoded %T %v", value, err)
	}
	_, err = schemas.DecodeType("", "events.AnalyticsEvent", with(`"1.1.0"`, `"9.9.9"`))
	expectError(t, err, "/schema_version", "schema_version")
}

func TestValuesBuiltInCodeAreWrittenAndValidated(t *testing.T) {
	latency := &events.LatencyMetrics{ModelID: "gpt-4o", RequestID: "r-1", TotalLatencyMs: 12.5}
	minus := -1.0
	latency.TimePerOutputTokenMs = &minus
	expectError(t, latency.Validate(), "/time_per_output_token_ms", "minimum")
	latency.TimePerOutputTokenMs = nil
	built := events.AnalyticsEvent{
		Timestamp:    validation.NewDateTime(time.Date(2024, 1, 15, 10, 30, 0, 500_000_000, time.UTC)),
		SourceModule: events.SourceModuleLLMObservatory, EventType: events.EventTypeTelemetry,
		Severity: events.SeverityInfo, Environment: "production",
		Payload: events.EventPayload{Value: &events.TelemetryPayload{Value: latency}},
	}
	if err := built.Validate(); err != nil {
		t.Fatalf("built event invalid: %v", err)
	}
	written, err := validation.Marshal(built)
	want := `{"timestamp":"2024-01-15T10:30:00.500Z","source_module":"llm-observatory","event_type":"telemetry",` +
		`"schema_version":"1.0.0","severity":"info","environment":"production","tags":{},"payload":{"data":{` +
		`"telemetry_type":"latency","model_id":"gpt-4o","request_id":"r-1","total_latency_ms":12.5},"payload_type":"telemetry"}}`
	if err != nil || !validation.SameJSON(written, []byte(want)) {
		t.Fatalf("written %s %v", written, err)
	}
	// a 1.1.0 member needs schema_version 1.1.0: nil is written as the schema default, 1.0.0
	trace := "4bf92f3577b34da6a3ce929d0e0e4736"
	built.TraceID = &trace
	expectError(t, built.Validate(), "", "unevaluatedProperties")
	version := "1.1.0"
	built.SchemaVersion = &version
	if err := built.Validate(); err != nil {
		t.Fatalf("built 1.1.0 event invalid: %v", err)
	}
	built.Severity = "loud"
	expectError(t, built.Validate(), "/severity", "enum")
	_, err = validation.Marshal(built)
	expectError(t, err, "/severity", "enum")
	built.Severity = events.SeverityInfo
	latency.TotalLatencyMs = math.NaN()
	_, err = validation.Marshal(built)
	expectError(t, err, "/payload/data/total_latency_ms", "encode")
	if _, err := json.Marshal(built); err == nil || !strings.Contains(err.Error(), "/payload/data/total_latency_ms") {
		t.Fatalf("json.Marshal of NaN: %v", err)
	}
	built.Payload = events.EventPayload{}
	_, err = validation.Marshal(built)
	expectError(t, err, "/payload", "encode")
}

func TestDateTimeReadsEveryFormTheSchemaAccepts(t *testing.T) {
	for _, text := range []string{"2024-01-15t10:30:00z", "2024-01-15T10:30:00.1234567891234Z", "2024-01-15T12:30:00+02:00"} {
		when, err := validation.DateTime(text).Time()
		if err != nil || when.UTC().Format(time.RFC3339) != "2024-01-15T10:30:00Z" {
			t.Fatalf("%s: %v %v", text, when, err)
		}
	}
}

func TestEveryTextGetsTheCommandsVerdict(t *testing.T) {
	for name, text := range map[string][]byte{
		"invalid UTF-8":         []byte("{\"a\": \"\xff\"}"),
		"encoded surrogate":     []byte("{\"a\": \"\xed\xa0\x80\"}"),
		"lone surrogate":        []byte(`{"a": "\ud800"}`),
		"reversed pair":         []byte(`{"a": "\udc00\ud800"}`),
		"byte order mark twice": []byte("\xef\xbb\xbf\xef\xbb\xbf{}"),
		"number overflow":       []byte(`{"a": [1e400]}`),
		"long integer":          []byte(`{"a": 1` + strings.Repeat("0", 400) + `}`),
	} {
		found := schemas.ValidateJSON("1.1.0", "events.AnalyticsEvent", text)
		if len(found) != 1 || found[0].Keyword != "parse" || found[0].InstancePath != "" {
			t.Fatalf("%s: %v", name, found)
		}
	}
	bom := append([]byte("\xef\xbb\xbf"), event...)
	if found := schemas.ValidateJSON("", "events.AnalyticsEvent", bom); len(found) != 0 {
		t.Fatalf("a leading byte order mark: %v", found)
	}
	if _, err := schemas.Decode[events.AnalyticsEvent](bom); err != nil {
		t.Fatalf("a leading byte order mark: %v", err)
	}
}

func TestDataCarryingEnum(t *testing.T) {
	for _, text := range []string{`"prompt_injection"`, `{"other": "jailbreak"}`} {
		var threat events.ThreatType
		if err := json.Unmarshal([]byte(text), &threat); err != nil {
			t.Fatal(err)
		}
		written, _ := json.Marshal(threat)
		if !validation.SameJSON(written, []byte(text)) {
			t.Fatalf("%s written as %s", text, written)
		}
	}
	other := "jailbreak"
	if written, _ := json.Marshal(events.ThreatType{Other: &other}); string(written) != `{"other":"jailbreak"}` {
		t.Fatalf("written %s", written)
	}
}
