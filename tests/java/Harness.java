// Agreement harness of tests/test_java.py (protocol: tests/agreement_cases.py). Reads NDJSON lines
// {"version", "type", "text"} on stdin and writes one line per input line:
// {"valid", "errors": [{"instance_path", "keyword", "message"}], "reserialized", "decode_error"}.
// "reserialized" is the document read into its generated record with Hub.decode and written back
// with Hub.encode, which checks it (null when either refuses: then "decode_error" says which and why).
// Argument "whole" reports every failed union as one anyOf finding (the Python validator before
// error-location refinement); a second argument "lenient" validates and decodes leniently
// (Validator.validateJsonLenient, Hub.decodeLenient).

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmanalyticshub.schemas.Finding;
import io.llmanalyticshub.schemas.Hub;
import io.llmanalyticshub.schemas.Validator;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

public final class Harness {
    public static void main(String[] args) throws Exception {
        boolean refine = args.length == 0 || !args[0].equals("whole");
        boolean lenient = args.length > 1 && args[1].equals("lenient");
        ObjectMapper plain = new ObjectMapper();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode request = plain.readTree(line);
            String version = request.get("version").isNull() ? null : request.get("version").textValue();
            String type = request.get("type").textValue();
            String text = request.get("text").textValue();
            List<Finding> findings = lenient ? Validator.validateJsonLenient(version, type, text)
                    : Validator.validateJson(version, type, text, refine);
            ObjectNode answer = plain.createObjectNode();
            answer.put("valid", findings.isEmpty());
            ArrayNode errors = answer.putArray("errors");
            for (Finding finding : findings) {
                errors.addObject().put("instance_path", finding.instancePath()).put("keyword", finding.keyword())
                        .put("message", finding.message());
            }
            answer.putNull("reserialized");
            answer.putNull("decode_error");
            if (findings.isEmpty()) {
                String step = "decode";
                try {
                    String chosen = Validator.versionOf(version, Validator.parse(text));
                    Class<?> model = Validator.modelClass(chosen, type);
                    Object value = lenient ? Hub.decodeLenient(text, model) : Hub.decode(text, model);
                    step = "encode";
                    answer.put("reserialized", Hub.encode(value, model));
                } catch (Exception e) {
                    answer.put("decode_error", step + ": " + e.getClass().getSimpleName() + ": "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                }
            }
            out.write(plain.writeValueAsString(answer));
            out.write('\n');
        }
        out.flush();
    }
}
