package org.rome4j.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code config.json} fields with defaults and one-line errors, checking each value's type and range before
 * anything is allocated: a size is a whole number (not 4.7, not {@code true}, not {@code "12"}) within {@link #MAX};
 * a real number is a finite number (not a string); a flag is a boolean.
 *
 * <p>The bounds are far above every published checkpoint, so no real model meets them, and low enough that a
 * corrupt or hostile config is refused at once instead of allocating for hours or running out of memory (a model
 * with {@code n_layer} 1e9 would loop over a billion blocks). The largest published values (late 2024): Llama 3.1
 * 405B has 126 layers, width 16,384, 128 heads, MLP width 53,248, a 131,072-token context; the largest vocabularies
 * are about 256,000 (Gemma); the longest contexts about 1 million (Qwen2.5-1M).
 */
final class ConfigReader {
    /** The largest value each size may take (see the class doc for why these). */
    static final Map<String, Integer> MAX = Map.ofEntries(
            Map.entry("n_layer", 1024), Map.entry("num_hidden_layers", 1024),
            Map.entry("n_embd", 131_072), Map.entry("hidden_size", 131_072),
            Map.entry("n_head", 4096), Map.entry("num_attention_heads", 4096), Map.entry("num_key_value_heads", 4096),
            Map.entry("head_dim", 16_384), Map.entry("rotary_dim", 16_384),
            Map.entry("n_inner", 1 << 20), Map.entry("intermediate_size", 1 << 20),
            Map.entry("n_positions", 1 << 24), Map.entry("n_ctx", 1 << 24), Map.entry("max_position_embeddings", 1 << 24),
            Map.entry("original_max_position_embeddings", 1 << 24), Map.entry("sliding_window", 1 << 24),
            Map.entry("vocab_size", 1 << 22));
    /** Sizes that may be 0 (0 = none). */
    private static final List<String> MAY_BE_ZERO = List.of("sliding_window");

    private ConfigReader() { }

    static int integer(JsonNode n, String key, int dflt) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? dflt : size(v, key);
    }

    static int required(JsonNode n, String key, String type) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(type + " config.json has no " + key + ": re-save it with save_pretrained");
        }
        return size(v, key);
    }

    /** A size: a whole number from 1 (0 where allowed) to its {@link #MAX}. */
    static int size(JsonNode v, String key) {
        int max = MAX.getOrDefault(key, Integer.MAX_VALUE);
        int min = MAY_BE_ZERO.contains(key) ? 0 : 1;
        boolean whole = v.isIntegralNumber() || v.isFloatingPointNumber() && v.asDouble() == Math.rint(v.asDouble());
        if (!v.isNumber() || !whole) {
            throw new IllegalArgumentException("config.json: " + key + " must be a whole number, got " + shown(v));
        }
        double d = v.asDouble();
        if (v.isIntegralNumber() && !v.canConvertToLong()) d = Double.MAX_VALUE;
        if (d < min || d > max) {
            throw new IllegalArgumentException("config.json: " + key + " must be between " + min + " and " + max
                    + " (no published checkpoint has more), got " + shown(v));
        }
        return (int) d;
    }

    static double number(JsonNode n, String key, double dflt) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? dflt : finite(v, key);
    }

    /** A finite number (a string, a boolean, NaN or an infinity is refused). */
    static double finite(JsonNode v, String key) {
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new IllegalArgumentException("config.json: " + key + " must be a number, got " + shown(v));
        }
        return v.asDouble();
    }

    /** A norm's epsilon: a number in (0, 1] (published models use 1e-12 to 1e-5; 0 divides by zero on a zero vector). */
    static double epsilon(JsonNode n, String key, double dflt) {
        double e = number(n, key, dflt);
        if (!(e > 0 && e <= 1)) {
            throw new IllegalArgumentException("config.json: " + key + " must be above 0 and at most 1, got " + fmt(e));
        }
        return e;
    }

    static boolean flag(JsonNode n, String key, boolean dflt) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("config.json: " + key + " must be true or false, got " + shown(v));
        }
        return v.asBoolean();
    }

    /** The activation by HF name, if this build computes it. */
    static String activation(JsonNode n, String key, String dflt, List<String> supported) {
        JsonNode v = n.get(key);
        if (v != null && !v.isNull() && !v.isTextual()) {
            throw new IllegalArgumentException("config.json: " + key + " must be a name such as \"" + dflt + "\", got " + shown(v));
        }
        String act = n.path(key).asText(dflt);
        if (!supported.contains(act)) {
            throw new IllegalArgumentException(key + " \"" + act + "\" is not supported: supported activations are "
                    + String.join(", ", supported));
        }
        return act;
    }

    /** A value as the config wrote it, cut to 40 characters. */
    static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%s", d);
    }
}
