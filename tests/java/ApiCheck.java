// The public API of the generated Java package, used the way a Java service would use it. Compiled
// with javac -Xlint:all -Werror and run by tests/test_java.py with a schema example of AnalyticsEvent
// 1.0.0 (a latency event) as its argument; prints "ok" when every check holds, else fails.

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmanalyticshub.schemas.Finding;
import io.llmanalyticshub.schemas.Hub;
import io.llmanalyticshub.schemas.InvalidDocumentException;
import io.llmanalyticshub.schemas.Timestamp;
import io.llmanalyticshub.schemas.Validator;
import io.llmanalyticshub.schemas.v1_0_0.events.AnalyticsEvent;
import io.llmanalyticshub.schemas.v1_0_0.events.EventPayload;
import io.llmanalyticshub.schemas.v1_0_0.events.LatencyMetrics;
import io.llmanalyticshub.schemas.v1_0_0.events.Severity;
import io.llmanalyticshub.schemas.v1_0_0.events.SourceModule;
import io.llmanalyticshub.schemas.v1_0_0.events.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

public final class ApiCheck {
    private ApiCheck() {
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    /** The (pointer, keyword) pairs of the findings an InvalidDocumentException carries, or "accepted". */
    static String refusal(Callable<?> run) {
        try {
            run.call();
            return "accepted";
        } catch (InvalidDocumentException e) {
            StringBuilder out = new StringBuilder();
            for (Finding f : e.findings()) {
                out.append(out.length() == 0 ? "" : " ").append(f.instancePath()).append(' ').append(f.keyword());
            }
            return out.toString();
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    static String keywords(List<Finding> findings) {
        StringBuilder out = new StringBuilder();
        for (Finding f : findings) {
            out.append(out.length() == 0 ? "" : " ").append(f.instancePath()).append(' ').append(f.keyword());
        }
        return out.toString();
    }

    public static void main(String[] args) throws Exception {
        String doc = args[0];

        // the text entry point: dispatch, unknown versions, the parse rules
        check(Validator.validateJson(null, "AnalyticsEvent", doc).isEmpty(), "example refused");
        check(keywords(Validator.validateJson(null, "AnalyticsEvent", doc.replace("\"1.0.0\"", "\"9.9.9\"")))
                .equals("/schema_version schema_version"), "unknown version");
        for (String broken : new String[] {"{not json", "{\"a\": 1, \"a\": 2}", "[1e400]", "\"\\ud800\"", "\"\ud800\"",
                "[" + "[".repeat(1024) + "]".repeat(1024) + "]", "\uFEFF\uFEFF{}", ""}) {
            check(keywords(Validator.validateJson("1.0.0", "events.AnalyticsEvent", broken)).equals(" parse"),
                    "not a parse error: " + broken.substring(0, Math.min(20, broken.length())));
        }
        check(Validator.validateJson(null, "AnalyticsEvent", "\uFEFF" + doc).isEmpty(), "a leading BOM");
        check(refusal(() -> Validator.validateJson("0.0.1", "AnalyticsEvent", doc)).equals("IllegalArgumentException"),
                "unknown forced version");

        // one-call decoding: validated, then bound; the payload variant is a sealed type to switch on
        AnalyticsEvent event = Hub.decode(doc, AnalyticsEvent.class);
        check(event.payload() instanceof EventPayload.Telemetry telemetry
                && telemetry.data() instanceof LatencyMetrics latency && latency.totalLatencyMs() == 1842.6,
                "payload variant");
        check(event.timestamp().toInstant().equals(Instant.parse("2024-01-15T10:30:00.412Z")), "timestamp");
        check(refusal(() -> Hub.decode(doc.replaceFirst("\\{", "{\"surprise\": 1, "), AnalyticsEvent.class))
                .equals(" unevaluatedProperties"), "undeclared member");
        check(refusal(() -> Hub.decode(doc.replaceFirst("\"timestamp\": \"[^\"]*\", ", ""), AnalyticsEvent.class))
                .equals(" required"), "missing member");
        check(refusal(() -> Hub.decode(doc.replace("1842.6", "\"1842.6\""), AnalyticsEvent.class))
                .equals("/payload/data/total_latency_ms type"), "a number as a string");
        check(refusal(() -> Hub.decode(doc, EventPayload.Telemetry.class)).equals("IllegalArgumentException"),
                "not a catalogue type");

        // absent and null are one state; defaults applied
        String bare = doc.replaceFirst("\"tags\": \\{[^}]*\\}, ", "").replaceFirst("\"schema_version\": \"1.0.0\", ", "")
                .replaceFirst("\"correlation_id\": \"[^\"]*\"", "\"correlation_id\": null");
        AnalyticsEvent defaulted = Hub.decode(bare, AnalyticsEvent.class);
        check(defaulted.tags().equals(Map.of()) && "1.0.0".equals(defaulted.schemaVersion()), "defaults");
        check(defaulted.correlationId() == null, "null and absent");
        String written = Hub.encode(defaulted);
        check(!written.contains("correlation_id") && written.contains("\"tags\":{}")
                && written.contains("\"schema_version\":\"1.0.0\""), "producer form: " + written);

        // checks on write, naming the member
        LatencyMetrics bad = new LatencyMetrics("gpt-4o", "r-1", Double.NaN, null, null, null);
        AnalyticsEvent built = new AnalyticsEvent(null, Timestamp.of(Instant.parse("2024-01-15T10:30:00Z")),
                SourceModule.LLM_OBSERVATORY, EventType.TELEMETRY, null, null, null, Severity.INFO, "production", null,
                new EventPayload.Telemetry(bad));
        check(refusal(() -> Hub.encode(built)).equals("/payload/data/total_latency_ms encode"), "NaN on write");
        check(keywords(Validator.validate(built)).equals("/payload/data/total_latency_ms encode"), "NaN validated");
        try {
            new ObjectMapper().writeValueAsString(built);
            check(false, "a plain ObjectMapper wrote NaN");
        } catch (JsonMappingException e) {
            check(e.getMessage().contains("total_latency_ms"), "NaN error names the member: " + e.getMessage());
        }
        AnalyticsEvent good = new AnalyticsEvent(null, built.timestamp(), SourceModule.LLM_OBSERVATORY,
                EventType.TELEMETRY, null, null, null, Severity.INFO, "production", null,
                new EventPayload.Telemetry(new LatencyMetrics("gpt-4o", "r-1", 812.5, null, null, null)));
        check(Validator.validate(good).isEmpty(), "a good event refused: " + Validator.validate(good));
        check(Hub.decode(Hub.encode(good), AnalyticsEvent.class).equals(good), "read back");
        AnalyticsEvent noTimestamp = new AnalyticsEvent(null, null, SourceModule.LLM_OBSERVATORY, EventType.TELEMETRY,
                null, null, null, Severity.INFO, "production", null, good.payload());
        check(refusal(() -> Hub.encode(noTimestamp)).equals(" required"), "a required member left null");
        AnalyticsEvent badVersion = new AnalyticsEvent(null, built.timestamp(), SourceModule.LLM_OBSERVATORY,
                EventType.TELEMETRY, null, null, "9.9.9", Severity.INFO, "production", null, good.payload());
        check(refusal(() -> Hub.encode(badVersion)).equals("/schema_version schema_version"), "written version");

        // Timestamp reads every form its constructor accepts
        check(new Timestamp("2024-01-15t10:30:00.1234567891234z").toInstant()
                .equals(Instant.parse("2024-01-15T10:30:00.123456789Z")), "13 fraction digits, lower case");

        // the mapper handed out is a copy: changing it changes nothing in Hub
        ObjectMapper mine = Hub.newObjectMapper();
        mine.configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        check(!refusal(() -> Hub.decode(doc.replaceFirst("\\{", "{\"surprise\": 1, "), AnalyticsEvent.class))
                .equals("accepted"), "Hub changed by a copy");
        System.out.println("ok");
    }
}
