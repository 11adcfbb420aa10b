package org.rome4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rome4j.rome.Request;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One CounterFact record ({@code counterfact.json} format: {@code case_id}, {@code requested_rewrite},
 * {@code paraphrase_prompts}, {@code neighborhood_prompts}, {@code attribute_prompts},
 * {@code generation_prompts}).
 *
 * @param caseId              the record's id
 * @param relationId          Wikidata relation, e.g. P103
 * @param request             the rewrite (prompt template, subject, target_new, target_true)
 * @param targetNewId         Wikidata id of the new object, or null
 * @param paraphrasePrompts   prompts that should now give the new object
 * @param neighborhoodPrompts other subjects' prompts that should keep the true object
 * @param attributePrompts    subjects that already have the new object
 * @param generationPrompts   prompts for generation entropy / reference score
 */
public record CounterFactRecord(int caseId, String relationId, Request request, String targetNewId,
                                List<String> paraphrasePrompts, List<String> neighborhoodPrompts,
                                List<String> attributePrompts, List<String> generationPrompts) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads a JSON list of records. */
    public static List<CounterFactRecord> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("dataset not found: " + file + "; pass a CounterFact-format JSON list");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(JSON.readTree(in), file.toString());
        }
    }

    /** Reads the shipped known_1000-derived benchmark ({@link Known1000Benchmark#RESOURCE}). */
    public static List<CounterFactRecord> readResource(String resource) throws IOException {
        try (InputStream in = CounterFactRecord.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalArgumentException("no resource " + resource);
            return parse(JSON.readTree(in), resource);
        }
    }

    /** Parses records. */
    public static List<CounterFactRecord> parse(JsonNode root, String source) {
        if (!root.isArray()) throw new IllegalArgumentException(source + " is not a JSON list of CounterFact records");
        List<CounterFactRecord> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : root) {
            JsonNode rr = n.get("requested_rewrite");
            if (rr == null) {
                throw new IllegalArgumentException(source + ": record " + i + " has no requested_rewrite (CounterFact format expected;"
                        + " for zsRE use --format zsre)");
            }
            Request req = new Request(rr.get("prompt").asText(), rr.get("subject").asText(),
                    rr.get("target_new").get("str").asText(), rr.path("target_true").path("str").asText(null));
            JsonNode id = rr.get("target_new").get("id");
            out.add(new CounterFactRecord(n.path("case_id").asInt(i), rr.path("relation_id").asText(""), req,
                    id == null || id.isNull() ? null : id.asText(), strings(n.get("paraphrase_prompts")),
                    strings(n.get("neighborhood_prompts")), strings(n.get("attribute_prompts")),
                    strings(n.get("generation_prompts"))));
            i++;
        }
        return List.copyOf(out);
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        if (a != null) for (JsonNode s : a) out.add(s.isTextual() ? s.asText() : s.path("prompt").asText());
        return List.copyOf(out);
    }

    /** The record in CounterFact JSON. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("case_id", caseId);
        ObjectNode rr = o.putObject("requested_rewrite");
        rr.put("prompt", request.prompt());
        rr.put("relation_id", relationId);
        ObjectNode tn = rr.putObject("target_new");
        tn.put("str", request.targetNew());
        if (targetNewId == null) tn.putNull("id"); else tn.put("id", targetNewId);
        rr.putObject("target_true").put("str", request.targetTrue()).putNull("id");
        rr.put("subject", request.subject());
        put(o.putArray("paraphrase_prompts"), paraphrasePrompts);
        put(o.putArray("neighborhood_prompts"), neighborhoodPrompts);
        put(o.putArray("attribute_prompts"), attributePrompts);
        put(o.putArray("generation_prompts"), generationPrompts);
        return o;
    }

    private static void put(ArrayNode a, List<String> xs) {
        xs.forEach(a::add);
    }
}
