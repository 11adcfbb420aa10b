package org.rome4j.rome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Hyper-parameters of MEMIT ({@code hparams/MEMIT/*.json}, the fields of {@code MEMITHyperParams}) and of
 * AlphaEdit ({@code hparams/AlphaEdit/*.json}: the same fields plus {@code nullspace_threshold}, {@code L2} and
 * {@code model_name}), read as-is; an unknown key is an error naming it.
 *
 * <p>{@code nullspace_relative} is rome4j's own key (no original file has it): the null-space threshold as a
 * fraction of the largest eigenvalue of each layer's C. It replaces {@code nullspace_threshold} where given, for
 * models the published absolute value does not fit (see {@link #untuned}).
 *
 * @param json the file's fields, validated
 */
public record MemitHparams(ObjectNode json) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** MEMIT presets shipped as resources, the original's values. */
    public static final List<String> MEMIT_PRESETS = List.of("gpt2-xl", "EleutherAI_gpt-j-6B");
    /** AlphaEdit presets shipped as resources, the original's values. */
    public static final List<String> ALPHAEDIT_PRESETS = List.of("gpt2-xl", "EleutherAI_gpt-j-6B");
    private static final Set<String> KEYS = Set.of("layers", "layer_selection", "fact_token", "v_num_grad_steps", "v_lr",
            "v_loss_layer", "v_weight_decay", "clamp_norm_factor", "kl_factor", "mom2_adjustment", "mom2_update_weight",
            "rewrite_module_tmp", "layer_module_tmp", "mlp_module_tmp", "attn_module_tmp", "ln_f_module", "lm_head_module",
            "mom2_dataset", "mom2_n_samples", "mom2_dtype", "model_name", "nullspace_threshold", "L2", "nullspace_relative");
    private static final List<String> REQUIRED = List.of("layers", "v_num_grad_steps", "v_lr", "v_loss_layer", "v_weight_decay",
            "clamp_norm_factor", "kl_factor");
    /** The gpt2-xl key width the published λ was tuned for. */
    static final int GPT2_XL_KEY_WIDTH = 6400;

    /** Validates the fields and their types. */
    public MemitHparams {
        json = json.deepCopy();
        String src = "hparams";
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException(src + ": unknown key \"" + k + "\"; known keys are " + String.join(", ", new java.util.TreeSet<>(KEYS)));
            }
        }
        for (String k : REQUIRED) {
            if (!json.hasNonNull(k)) throw new IllegalArgumentException(src + ": missing key \"" + k + "\" (see hparams/MEMIT/gpt2-xl.json)");
        }
        JsonNode ls = json.get("layers");
        boolean ok = ls.isArray() && !ls.isEmpty();
        for (JsonNode l : ls) ok &= l.isIntegralNumber() && l.asInt() >= 0;
        if (!ok) throw new IllegalArgumentException(src + ": \"layers\" must be a non-empty list of layer numbers such as [13, 14, 15, 16, 17]");
        List<Integer> layers = new ArrayList<>();
        for (JsonNode l : ls) layers.add(l.asInt());
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i) <= layers.get(i - 1)) {
                throw new IllegalArgumentException(src + ": \"layers\" " + layers + " must be ascending without repeats, e.g. [13, 14, 15, 16, 17]");
            }
        }
        for (String k : List.of("v_lr", "v_weight_decay", "clamp_norm_factor", "kl_factor", "mom2_update_weight", "nullspace_threshold",
                "L2", "nullspace_relative")) {
            JsonNode v = json.get(k);
            if (v != null && !v.isNull() && (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0)) {
                throw new IllegalArgumentException(src + ": \"" + k + "\" must be a non-negative number, got " + v);
            }
        }
        for (String k : List.of("v_num_grad_steps", "v_loss_layer", "mom2_n_samples")) {
            JsonNode v = json.get(k);
            if (v != null && !v.isNull() && (!v.isIntegralNumber() || v.asLong() < 0)) {
                throw new IllegalArgumentException(src + ": \"" + k + "\" must be a non-negative integer, got " + v);
            }
        }
        int steps = json.path("v_num_grad_steps").asInt();
        if (steps < 1 || steps > RomeHparams.MAX_GRAD_STEPS) {
            throw new IllegalArgumentException(src + ": v_num_grad_steps " + steps + " must be 1 to " + RomeHparams.MAX_GRAD_STEPS
                    + " (the original's presets use 20 or 25)");
        }
        FactToken.parse(json.path("fact_token").asText("subject_last"));
        String dt = json.path("mom2_dtype").asText("float32");
        if (!dt.equals("float32") && !dt.equals("float64")) {
            throw new IllegalArgumentException(src + ": mom2_dtype \"" + dt + "\" must be float32 or float64");
        }
    }

    /** Reads a JSON file in the original MEMIT or AlphaEdit schema. */
    public static MemitHparams read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("hparams file not found: " + file + "; pass a JSON file in the schema of the original "
                    + "hparams/MEMIT/*.json or hparams/AlphaEdit/*.json, or a preset name (" + String.join(", ", MEMIT_PRESETS) + ")");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(JSON.readTree(in), file.getFileName().toString());
        }
    }

    /** Parses the original schema; {@code source} names the input in errors. */
    public static MemitHparams parse(JsonNode n, String source) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("hparams " + source + " is not a JSON object");
        try {
            return new MemitHparams((ObjectNode) n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^hparams", "hparams " + source), e);
        }
    }

    /** A published MEMIT preset ({@link #MEMIT_PRESETS}). */
    public static MemitHparams memitPreset(String name) {
        return resource("MEMIT", name, MEMIT_PRESETS);
    }

    /** A published AlphaEdit preset ({@link #ALPHAEDIT_PRESETS}). */
    public static MemitHparams alphaEditPreset(String name) {
        return resource("AlphaEdit", name, ALPHAEDIT_PRESETS);
    }

    private static MemitHparams resource(String method, String name, List<String> names) {
        String res = "/rome4j/hparams/" + method + "/" + name + ".json";
        try (InputStream in = MemitHparams.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalArgumentException("no " + method + " hparams preset " + name + "; presets are " + String.join(", ", names)
                        + ", or untuned ones for other models");
            }
            return parse(JSON.readTree(in), name + ".json");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read preset " + res + ": " + e.getMessage(), e);
        }
    }

    /**
     * An <b>untuned</b> preset for a model the published files do not fit (any family, any size): the published
     * gpt2-xl values of {@code method} with
     * <ul>
     *   <li>{@code layers} as given and {@code v_loss_layer} the model's last layer;</li>
     *   <li>λ ({@code mom2_update_weight}) scaled by key width, 20000 · F / 6400, which keeps the balance
     *       between λ·C and K·Kᵀ that gpt2-xl's 6400-wide keys had (the rule of the golden data);</li>
     *   <li>for AlphaEdit, the null-space threshold relative to the spectrum: {@code nullspace_relative}
     *       {@value #RELATIVE_THRESHOLD} of each layer's largest eigenvalue, since the absolute 2e-2 can leave no
     *       eigenvalue under it on a small model (P = 0: nothing is edited);</li>
     *   <li>the module names of the model's family.</li>
     * </ul>
     */
    public static MemitHparams untuned(String method, List<Integer> layers, int nLayer, int keyWidth, java.util.Map<String, String> modules) {
        MemitHparams base = method.equals("alphaedit") ? alphaEditPreset("gpt2-xl") : memitPreset("gpt2-xl");
        ObjectNode o = base.json().deepCopy();
        var ls = o.putArray("layers");
        layers.forEach(ls::add);
        o.put("v_loss_layer", nLayer - 1);
        o.put("mom2_update_weight", 20000.0 * keyWidth / GPT2_XL_KEY_WIDTH);
        for (String k : List.of("rewrite_module_tmp", "layer_module_tmp", "mlp_module_tmp", "attn_module_tmp", "ln_f_module", "lm_head_module")) {
            String v = modules.get(k);
            if (v != null) o.put(k, v);
        }
        if (method.equals("alphaedit")) {
            o.remove("nullspace_threshold");
            o.put("nullspace_relative", RELATIVE_THRESHOLD);
            o.remove("model_name");
        }
        return new MemitHparams(o);
    }

    /** The untuned rule's null-space threshold, as a fraction of the largest eigenvalue of C. */
    public static final double RELATIVE_THRESHOLD = 0.05;

    /** The edited layers, ascending. */
    public List<Integer> layers() {
        List<Integer> out = new ArrayList<>();
        for (JsonNode l : json.get("layers")) out.add(l.asInt());
        return List.copyOf(out);
    }

    /** The layer whose output z is searched: the last edited one. */
    public int zLayer() {
        List<Integer> l = layers();
        return l.get(l.size() - 1);
    }

    /** λ, the weight of C against the new keys ({@code mom2_update_weight}). */
    public double mom2UpdateWeight() {
        return json.path("mom2_update_weight").asDouble(Double.NaN);
    }

    /** AlphaEdit's absolute threshold, or NaN. */
    public double nullspaceThreshold() {
        return json.path("nullspace_threshold").asDouble(Double.NaN);
    }

    /** rome4j's relative threshold (fraction of the largest eigenvalue), or NaN. */
    public double nullspaceRelative() {
        return json.path("nullspace_relative").asDouble(Double.NaN);
    }

    /** AlphaEdit's ridge term L2. */
    public double l2() {
        return json.path("L2").asDouble(Double.NaN);
    }

    /** Whether this is an AlphaEdit file (it has a null-space threshold). */
    public boolean isAlphaEdit() {
        return json.hasNonNull("nullspace_threshold") || json.hasNonNull("nullspace_relative");
    }

    /** Where keys are read. */
    public FactToken factToken() {
        return FactToken.parse(json.path("fact_token").asText("subject_last"));
    }

    /** Statistics sample count. */
    public long mom2NSamples() {
        return json.path("mom2_n_samples").asLong(100000);
    }

    /** Statistics accumulation type. */
    public String mom2Dtype() {
        return json.path("mom2_dtype").asText("float32");
    }

    /** Statistics corpus name. */
    public String mom2Dataset() {
        return json.path("mom2_dataset").asText("wikipedia");
    }

    /** The edited module template. */
    public String rewriteModuleTmp() {
        return json.path("rewrite_module_tmp").asText("transformer.h.{}.mlp.c_proj");
    }

    /** The HF weight name edited at a layer. */
    public String weightName(int layer) {
        return rewriteModuleTmp().replace("{}", Integer.toString(layer)) + ".weight";
    }

    /** The same values with other layers. */
    public MemitHparams withLayers(List<Integer> layers) {
        ObjectNode o = json.deepCopy();
        var ls = o.putArray("layers");
        layers.forEach(ls::add);
        return new MemitHparams(o);
    }

    /**
     * The value search's parameters in ROME's record (the z search is ROME's v* search at the last edited
     * layer, with δ on the block output): the same step count, rate, decay, clamp, KL factor and fact token.
     */
    RomeHparams valueHparams() {
        return new RomeHparams(List.of(zLayer()), factToken(), json.get("v_num_grad_steps").asInt(), json.get("v_lr").asDouble(),
                json.get("v_loss_layer").asInt(), json.get("v_weight_decay").asDouble(), json.get("clamp_norm_factor").asDouble(),
                json.get("kl_factor").asDouble(), json.path("mom2_adjustment").asBoolean(true), List.of(), rewriteModuleTmp(),
                json.path("layer_module_tmp").asText("transformer.h.{}"), json.path("mlp_module_tmp").asText("transformer.h.{}.mlp"),
                json.path("attn_module_tmp").asText("transformer.h.{}.attn"), json.path("ln_f_module").asText("transformer.ln_f"),
                json.path("lm_head_module").asText("transformer.wte"), mom2Dataset(), mom2NSamples(), mom2Dtype());
    }

    /**
     * Checks against a model: the layers exist and {@code v_loss_layer} is the last one (the loss reads the
     * logits), λ &gt; 0 for MEMIT, a threshold and L2 &gt; 0 for AlphaEdit.
     */
    public void checkFor(int nLayer, String model, boolean alphaEdit) {
        for (int l : layers()) {
            if (l >= nLayer) {
                throw new IllegalArgumentException("hparams: \"layers\" has " + l + " but " + model + " has layers 0–" + (nLayer - 1)
                        + "; set \"layers\" to ascending layers of the model");
            }
        }
        int vl = json.get("v_loss_layer").asInt();
        if (vl != nLayer - 1) {
            throw new IllegalArgumentException("hparams: \"v_loss_layer\" is " + vl + " but the loss is computed after the last layer of "
                    + model + ": set it to " + (nLayer - 1));
        }
        if (alphaEdit) {
            if (!isAlphaEdit()) {
                throw new IllegalArgumentException("hparams: AlphaEdit needs \"nullspace_threshold\" (and \"L2\"); see hparams/AlphaEdit/gpt2-xl.json");
            }
            if (!(l2() > 0)) throw new IllegalArgumentException("hparams: AlphaEdit's \"L2\" must be > 0, got " + json.get("L2"));
        } else if (!(mom2UpdateWeight() > 0)) {
            throw new IllegalArgumentException("hparams: \"mom2_update_weight\" (λ) must be > 0, got " + json.get("mom2_update_weight")
                    + "; the published gpt2-xl value is 20000");
        }
    }
}
