package com.example.consumer;

import io.llmanalyticshub.schemas.Finding;
import io.llmanalyticshub.schemas.Hub;
import io.llmanalyticshub.schemas.InvalidDocumentException;
import io.llmanalyticshub.schemas.Timestamp;
import io.llmanalyticshub.schemas.v1_0_0.events.AnalyticsEvent;
import io.llmanalyticshub.schemas.v1_0_0.events.EventPayload;
import io.llmanalyticshub.schemas.v1_0_0.events.EventType;
import io.llmanalyticshub.schemas.v1_0_0.events.LatencyMetrics;
import io.llmanalyticshub.schemas.v1_0_0.events.Severity;
import io.llmanalyticshub.schemas.v1_0_0.events.SourceModule;
import io.llmanalyticshub.schemas.v1_0_0.events.TokenUsageMetrics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads LLM Analytics Hub events from standard input, one per line, says what each carries, then
 * builds an event, writes it, reads it back, and shows the errors of planted bad values on write.
 */
public final class EventService {
    private EventService() {
    }

    /** What an event carries, by its payload variant. */
    static String describe(AnalyticsEvent event) {
        EventPayload payload = event.payload();
        if (payload instanceof EventPayload.Telemetry telemetry) {
            if (telemetry.data() instanceof LatencyMetrics latency) {
                return "latency " + latency.modelId() + " " + latency.totalLatencyMs() + " ms";
            }
            if (telemetry.data() instanceof TokenUsageMetrics tokens) {
                return "tokens " + tokens.modelId() + " " + tokens.totalTokens();
            }
            return "telemetry " + telemetry.data().getClass().getSimpleName();
        } else if (payload instanceof EventPayload.Security security) {
            return "security " + security.data().getClass().getSimpleName();
        } else if (payload instanceof EventPayload.Cost cost) {
            return "cost " + cost.data().getClass().getSimpleName();
        } else if (payload instanceof EventPayload.Governance governance) {
            return "governance " + governance.data().getClass().getSimpleName();
        } else if (payload instanceof EventPayload.Custom custom) {
            return "custom " + custom.data().customType();
        }
        return "no payload";
    }

    /** The findings of a refused write, one "pointer keyword" each, or "written". */
    static String attempt(Supplier<String> write) {
        try {
            write.get();
            return "written";
        } catch (InvalidDocumentException e) {
            StringBuilder out = new StringBuilder();
            for (Finding f : e.findings()) {
                out.append(out.length() == 0 ? "" : "; ").append(f.instancePath()).append(' ').append(f.keyword());
            }
            return out.toString();
        }
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        for (int number = 1; (line = in.readLine()) != null; number++) {
            try {
                System.out.println("line " + number + ": " + describe(Hub.decode(line, AnalyticsEvent.class)));
            } catch (InvalidDocumentException e) {
                System.out.println("line " + number + ": refused " + e.getMessage());
            }
        }

        LatencyMetrics latency = new LatencyMetrics("gpt-4o", "req-1", 812.5, 180.5, null, null);
        AnalyticsEvent event = new AnalyticsEvent(null, Timestamp.of(Instant.parse("2024-01-15T10:30:00.412Z")),
                SourceModule.LLM_OBSERVATORY, EventType.TELEMETRY, null, null, null, Severity.INFO, "production",
                Map.of("team", "support-ai"), new EventPayload.Telemetry(latency));
        String written = Hub.encode(event);
        System.out.println("written: " + written);
        AnalyticsEvent back = Hub.decode(written, AnalyticsEvent.class);
        System.out.println("read back: " + describe(back) + " at " + back.timestamp().toInstant()
                + (back.equals(event) ? ", equal" : ", different"));

        AnalyticsEvent nan = new AnalyticsEvent(null, event.timestamp(), event.sourceModule(), event.eventType(), null,
                null, null, event.severity(), event.environment(), event.tags(),
                new EventPayload.Telemetry(new LatencyMetrics("gpt-4o", "req-1", Double.NaN, null, null, null)));
        System.out.println("NaN latency: " + attempt(() -> Hub.encode(nan)));
        AnalyticsEvent noEnvironment = new AnalyticsEvent(null, event.timestamp(), event.sourceModule(),
                event.eventType(), null, null, null, event.severity(), null, event.tags(), event.payload());
        System.out.println("no environment: " + attempt(() -> Hub.encode(noEnvironment)));
        AnalyticsEvent future = new AnalyticsEvent(null, event.timestamp(), event.sourceModule(), event.eventType(),
                null, null, "9.9.9", event.severity(), event.environment(), event.tags(), event.payload());
        System.out.println("unknown version: " + attempt(() -> Hub.encode(future)));
    }
}
