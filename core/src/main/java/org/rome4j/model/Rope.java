package org.rome4j.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Rotary position embedding of one model: which dims of each head rotate, how they pair, and the
 * frequencies, computed in float32 as HF transformers does.
 *
 * @param dims         R, the rotated dims at the start of each head (the rest pass through)
 * @param theta        base of the frequencies {@code theta^(-2j/R)}
 * @param interleaved  pairs (2j, 2j+1) (GPT-J) instead of (j, j + R/2) (NeoX, Llama)
 * @param type         "default", "linear" or "llama3"
 * @param factor       scaling factor (linear, llama3)
 * @param lowFreqFactor  llama3 low-frequency factor
 * @param highFreqFactor llama3 high-frequency factor
 * @param originalContext llama3 original_max_position_embeddings
 */
public record Rope(int dims, double theta, boolean interleaved, String type, double factor, double lowFreqFactor,
                   double highFreqFactor, int originalContext) {
    /** The scaling types computed here. */
    public static final List<String> TYPES = List.of("default", "linear", "llama3");

    /** Validates. */
    public Rope {
        if (dims < 2 || dims % 2 != 0) {
            throw new IllegalArgumentException("rotary dims must be even and at least 2, got " + dims);
        }
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("rope type \"" + type + "\" is not supported: supported rope types are "
                    + String.join(", ", TYPES));
        }
    }

    /** Unscaled rotary. */
    public static Rope plain(int dims, double theta, boolean interleaved) {
        return new Rope(dims, theta, interleaved, "default", 1, 0, 0, 0);
    }

    /**
     * Reads theta, the rotated fraction and the scaling from either config layout: transformers 5
     * ({@code rope_parameters}) or 4 ({@code rope_theta}, {@code rope_scaling}, {@code partial_rotary_factor},
     * NeoX's {@code rotary_pct} and {@code rotary_emb_base}).
     */
    static Rope read(JsonNode n, int headDim, double defaultTheta, double defaultFraction) {
        JsonNode p = n.path("rope_parameters");
        JsonNode s = n.path("rope_scaling");
        double theta = first("rope_theta", defaultTheta, p.path("rope_theta"), n.path("rope_theta"), n.path("rotary_emb_base"));
        if (!(theta > 1)) {   // theta^(-2j/R) needs a base above 1: published bases run from 10,000 to 500,000,000
            throw new IllegalArgumentException("config.json: rope_theta must be a number above 1 (10000 in most models), got "
                    + ConfigReader.fmt(theta));
        }
        double fraction = first("partial_rotary_factor", defaultFraction, p.path("partial_rotary_factor"),
                n.path("partial_rotary_factor"), n.path("rotary_pct"));
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("config.json: partial_rotary_factor (rotary_pct) must be above 0 and at most 1, got "
                    + ConfigReader.fmt(fraction));
        }
        JsonNode scaling = p.isObject() ? p : s;
        if (!scaling.isMissingNode() && !scaling.isNull() && !scaling.isObject()) {
            throw new IllegalArgumentException("config.json: rope_scaling must be an object such as {\"rope_type\": \"linear\", "
                    + "\"factor\": 2.0} or null, got " + ConfigReader.shown(scaling));
        }
        String type = scaling.path("rope_type").asText(scaling.path("type").asText("default"));
        int dims = (int) (headDim * fraction);
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("rope type \"" + type + "\" is not supported: supported rope types are "
                    + String.join(", ", TYPES));
        }
        // the scaled types need their own fields: a default would silently compute another model
        List<String> needed = switch (type) {
            case "linear" -> List.of("factor");
            case "llama3" -> List.of("factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings");
            default -> List.of();
        };
        for (String f : needed) {
            if (!scaling.path(f).isNumber()) {
                throw new IllegalArgumentException("config.json: rope_scaling of type " + type + " needs " + String.join(", ", needed)
                        + "; " + f + (scaling.has(f) ? " is " + ConfigReader.shown(scaling.get(f)) : " is missing"));
            }
        }
        double factor = needed.isEmpty() ? 1 : positive(scaling, "factor");
        double low = type.equals("llama3") ? positive(scaling, "low_freq_factor") : 1;
        double high = type.equals("llama3") ? positive(scaling, "high_freq_factor") : 4;
        if (type.equals("llama3") && !(high > low)) {
            throw new IllegalArgumentException("config.json: rope_scaling high_freq_factor must be above low_freq_factor, got "
                    + ConfigReader.fmt(high) + " and " + ConfigReader.fmt(low));
        }
        int original = type.equals("llama3") ? ConfigReader.size(scaling.get("original_max_position_embeddings"),
                "original_max_position_embeddings") : 8192;
        return new Rope(dims, theta, false, type, factor, low, high, original);
    }

    private static double positive(JsonNode scaling, String key) {
        double v = ConfigReader.finite(scaling.get(key), "rope_scaling " + key);
        if (!(v > 0)) {
            throw new IllegalArgumentException("config.json: rope_scaling " + key + " must be above 0, got " + ConfigReader.fmt(v));
        }
        return v;
    }

    /** The first of the fields given, checked to be a finite number; {@code dflt} when none is there. */
    private static double first(String key, double dflt, JsonNode... xs) {
        for (JsonNode x : xs) {
            if (x.isMissingNode() || x.isNull()) continue;
            return ConfigReader.finite(x, key);
        }
        return dflt;
    }

    /**
     * The R/2 inverse frequencies: {@code 1 / theta^(2j/R)} in float32 (as torch computes it), then
     * scaled: linear divides by the factor; llama3 divides low frequencies by it and interpolates
     * the middle band (transformers' {@code _compute_llama3_parameters}).
     */
    public float[] inverseFrequencies() {
        float[] inv = new float[dims / 2];
        for (int j = 0; j < inv.length; j++) {
            float e = (float) (2 * j) / (float) dims;
            inv[j] = 1f / (float) Math.pow(theta, e);
        }
        switch (type) {
            case "linear" -> {
                for (int j = 0; j < inv.length; j++) inv[j] = (float) (inv[j] / factor);
            }
            case "llama3" -> {
                double lowWavelen = originalContext / lowFreqFactor;
                double highWavelen = originalContext / highFreqFactor;
                for (int j = 0; j < inv.length; j++) {
                    double wavelen = 2 * Math.PI / inv[j];
                    double scaled = wavelen > lowWavelen ? inv[j] / factor : inv[j];
                    if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
                        double smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                        scaled = (1 - smooth) * scaled / factor + smooth * scaled;
                    }
                    inv[j] = (float) scaled;
                }
            }
            default -> { }
        }
        return inv;
    }

    /** The same rotary with interleaved (GPT-J) pairing. */
    Rope withInterleaved() {
        return new Rope(dims, theta, true, type, factor, lowFreqFactor, highFreqFactor, originalContext);
    }
}
