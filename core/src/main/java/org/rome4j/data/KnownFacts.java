package org.rome4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads known_1000-format fact files. */
public final class KnownFacts {
    /** Where the bundled known_1000.json lives on the class path. */
    public static final String RESOURCE = "/rome4j/data/known_1000.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private KnownFacts() { }

    /**
     * Reads a JSON list of facts with keys {@code known_id, subject, attribute, template, prediction,
     * prompt, relation_id}.
     *
     * @throws IllegalArgumentException naming the file and the first bad record
     */
    public static List<KnownFact> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("facts file not found: " + file + "; pass a known_1000.json-format file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(JSON.readTree(in), file.toString());
        }
    }

    /** The paper's {@code known_1000.json}, as shipped in the jar ({@value #RESOURCE}). */
    public static List<KnownFact> bundled() throws IOException {
        try (InputStream in = KnownFacts.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IOException(RESOURCE + " is missing from the class path: rebuild rome4j-core");
            return parse(JSON.readTree(in), "known_1000.json (bundled)");
        }
    }

    /** Parses facts from a JSON tree. */
    public static List<KnownFact> parse(JsonNode root, String source) {
        if (!root.isArray()) {
            throw new IllegalArgumentException(source + " is not a JSON list of facts (known_1000.json format)");
        }
        List<KnownFact> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : root) {
            for (String k : new String[] {"subject", "attribute", "prompt"}) {
                if (!n.hasNonNull(k)) {
                    throw new IllegalArgumentException(source + ": record " + i + " has no \"" + k
                            + "\" (needs subject, attribute, prompt; known_1000.json format)");
                }
            }
            out.add(new KnownFact(n.path("known_id").asInt(i), n.get("subject").asText(), n.get("attribute").asText(),
                    n.path("template").asText(""), n.path("prediction").asText(""), n.get("prompt").asText(),
                    n.path("relation_id").asText("")));
            i++;
        }
        return List.copyOf(out);
    }
}
