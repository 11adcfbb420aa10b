package org.rome4j.rome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch of requests from JSON: a list of the original's request objects
 * ({@code {"case_id"?, "prompt": "{} plays the sport of", "subject": "...", "target_new": {"str": "..."}}}) or of
 * CounterFact records (whose {@code requested_rewrite} is such an object), as MEMIT's and AlphaEdit's drivers take.
 */
public final class Requests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Requests() { }

    /** Reads a batch file. */
    public static List<Request> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("requests file not found: " + file + "; pass a JSON list of {\"prompt\", \"subject\", "
                    + "\"target_new\": {\"str\"}} objects or CounterFact records");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage());
        }
        return parse(root, file.getFileName().toString());
    }

    /** Parses a JSON list; {@code source} names it in errors. */
    public static List<Request> parse(JsonNode root, String source) {
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException(source + " is not a JSON list of requests (objects with prompt, subject, target_new)");
        }
        List<Request> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode n = root.get(i);
            JsonNode r = n.has("requested_rewrite") ? n.get("requested_rewrite") : n;
            String where = source + ": request " + i;
            String prompt = text(r, "prompt", where);
            String subject = text(r, "subject", where);
            JsonNode tn = r.get("target_new");
            String target = tn == null ? null : tn.isTextual() ? tn.asText() : tn.path("str").asText(null);
            if (target == null) throw new IllegalArgumentException(where + " has no target_new.str: give {\"target_new\": {\"str\": \"...\"}}");
            JsonNode tt = r.get("target_true");
            String truth = tt == null ? null : tt.isTextual() ? tt.asText() : tt.path("str").asText(null);
            try {
                if (!prompt.contains("{}")) {
                    out.add(Request.fromText(prompt, subject, target, truth));
                } else {
                    out.add(new Request(prompt, subject, target, truth));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    /** P(target | prompt) on the current weights: the product over the target's tokens. */
    public static double targetProb(org.rome4j.model.Gpt gpt, Request r) {
        return prob(gpt, r.text(), r.targetNew());
    }

    /** P(" " + object | text) on the current weights (a leading space added when missing, as for targets). */
    public static double prob(org.rome4j.model.Gpt gpt, String text, String object) {
        String o = object.startsWith(" ") ? object : " " + object;
        return Predictions.sequenceProb(gpt, gpt.tokenizer().ids(text), gpt.tokenizer().continuation(text, o));
    }

    private static String text(JsonNode r, String key, String where) {
        JsonNode v = r.get(key);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException(where + " has no \"" + key + "\" text");
        return v.asText();
    }
}
