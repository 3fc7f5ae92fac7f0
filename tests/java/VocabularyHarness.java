// Harness of tests/test_java_vocabulary.py: runs documents against schemas given as text, straight
// through SchemaEngine (it lives in the package to reach the engine, which is package-private: the
// public API validates catalogue types only). Reads NDJSON lines {"schema", "data"} (both JSON texts)
// on stdin and writes one line per input line: {"errors": [{"instance_path", "keyword"}], "refused"},
// "refused" being why the schema or the document was not accepted at all (else null). Failed unions
// are reported whole (one anyOf finding), as python-jsonschema does.
package io.llmanalyticshub.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

public final class VocabularyHarness {
    private VocabularyHarness() {
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper plain = new ObjectMapper();
        Map<String, SchemaEngine> engines = new HashMap<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode request = plain.readTree(line);
            ObjectNode answer = plain.createObjectNode();
            ArrayNode errors = answer.putArray("errors");
            answer.putNull("refused");
            try {
                String schema = request.get("schema").textValue();
                SchemaEngine engine = engines.get(schema);
                if (engine == null) {
                    engine = new SchemaEngine(Json.parse(schema), false);
                    engines.put(schema, engine);
                }
                for (Finding finding : engine.validate(Json.parse(request.get("data").textValue()))) {
                    errors.addObject().put("instance_path", finding.instancePath())
                            .put("keyword", finding.keyword());
                }
            } catch (Json.ParseFailure | RuntimeException e) {
                answer.put("refused", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            out.write(plain.writeValueAsString(answer));
            out.write('\n');
        }
        out.flush();
    }
}
