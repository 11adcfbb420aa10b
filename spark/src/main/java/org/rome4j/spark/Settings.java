package org.rome4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The settings a folder of partial results was made with ({@code config.json}): a rerun resumes only with the same ones. */
final class Settings {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Settings() { }

    /** The saved settings, or null. */
    static JsonNode read(Path file) throws IOException {
        return Files.isRegularFile(file) ? JSON.readTree(file.toFile()) : null;
    }

    /**
     * Saves {@code now}, or checks that the saved settings are the same.
     *
     * @throws IllegalArgumentException naming both and the fix
     */
    static void check(Path file, ObjectNode now, String what) throws IOException {
        JsonNode old = read(file);
        if (old == null) {
            Files.createDirectories(file.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), now);
            return;
        }
        if (!old.equals(normalized(now))) {
            throw new IllegalArgumentException(what + " in " + file.getParent() + " were made with other settings (" + old + ", now " + now
                    + "); use another --out or delete that folder");
        }
    }

    /** As read back from text: a saved number is an int node, one built in memory may be a long node, and they never equal. */
    static JsonNode normalized(JsonNode n) throws IOException {
        return JSON.readTree(n.toString());
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
