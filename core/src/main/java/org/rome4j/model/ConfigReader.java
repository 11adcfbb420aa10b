package org.rome4j.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** Small helpers for reading {@code config.json} fields with defaults and one-line errors. */
final class ConfigReader {
    private ConfigReader() { }

    static int integer(JsonNode n, String key, int dflt) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? dflt : v.asInt();
    }

    static int required(JsonNode n, String key, String type) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(type + " config.json has no " + key + ": re-save it with save_pretrained");
        }
        return v.asInt();
    }

    static double number(JsonNode n, String key, double dflt) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? dflt : v.asDouble();
    }

    static boolean flag(JsonNode n, String key, boolean dflt) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? dflt : v.asBoolean();
    }

    /** The activation by HF name, if this build computes it. */
    static String activation(JsonNode n, String key, String dflt, List<String> supported) {
        String act = n.path(key).asText(dflt);
        if (!supported.contains(act)) {
            throw new IllegalArgumentException(key + " \"" + act + "\" is not supported: supported activations are "
                    + String.join(", ", supported));
        }
        return act;
    }
}
