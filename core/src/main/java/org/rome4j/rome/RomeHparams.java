package org.rome4j.rome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ROME's hyper-parameters, read from the original project's JSON schema ({@code hparams/ROME/*.json},
 * the fields of {@code ROMEHyperParams}) as-is. An unknown key is an error naming it.
 *
 * <pre>{@code
 * RomeHparams hp = RomeHparams.preset("gpt2-xl");           // the original's values
 * RomeHparams mine = RomeHparams.read(Path.of("h.json"));   // same schema
 * RomeHparams l3 = hp.withLayers(List.of(3));
 * }</pre>
 *
 * @param layers                      layers to edit (usually one)
 * @param factToken                   where the key is read ({@code fact_token}: subject_last, subject_first, last, ...)
 * @param vNumGradSteps               Adam steps of the v* search
 * @param vLr                         Adam learning rate
 * @param vLossLayer                  the layer whose output feeds the loss (the last one: the logits)
 * @param vWeightDecay                factor of ‖δ‖ / ‖v_init‖² in the loss
 * @param clampNormFactor             ‖δ‖ is clamped to this times ‖v_init‖
 * @param klFactor                    factor of the KL term on "{subject} is a"
 * @param mom2Adjustment              whether u uses C⁻¹ (true in every preset)
 * @param contextTemplateLengthParams (length, count) pairs of generated prefixes
 * @param rewriteModuleTmp            the edited module, e.g. {@code transformer.h.{}.mlp.c_proj}
 * @param layerModuleTmp              kept for the schema
 * @param mlpModuleTmp                kept for the schema
 * @param attnModuleTmp               kept for the schema
 * @param lnFModule                   kept for the schema
 * @param lmHeadModule                kept for the schema
 * @param mom2Dataset                 statistics corpus name (part of the cache file name)
 * @param mom2NSamples                documents sampled for the statistics
 * @param mom2Dtype                   {@code float32} or {@code float64} accumulation
 */
public record RomeHparams(List<Integer> layers, FactToken factToken, int vNumGradSteps, double vLr, int vLossLayer,
                          double vWeightDecay, double clampNormFactor, double klFactor, boolean mom2Adjustment,
                          List<int[]> contextTemplateLengthParams, String rewriteModuleTmp, String layerModuleTmp,
                          String mlpModuleTmp, String attnModuleTmp, String lnFModule, String lmHeadModule,
                          String mom2Dataset, long mom2NSamples, String mom2Dtype) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Names of the presets shipped as resources. */
    public static final List<String> PRESETS = List.of("gpt2-medium", "gpt2-large", "gpt2-xl", "EleutherAI_gpt-j-6B",
            "llama-family-untuned", "tiny-facts", "tiny-biographies");
    private static final Set<String> KEYS = Set.of("layers", "fact_token", "v_num_grad_steps", "v_lr", "v_loss_layer",
            "v_weight_decay", "clamp_norm_factor", "kl_factor", "mom2_adjustment", "context_template_length_params",
            "rewrite_module_tmp", "layer_module_tmp", "mlp_module_tmp", "attn_module_tmp", "ln_f_module",
            "lm_head_module", "mom2_dataset", "mom2_n_samples", "mom2_dtype");

    // bounds on work that could not finish (checked before anything runs): far above any published value, far below a day
    /** Most Adam steps of the v* search (the original's presets: 20-25). */
    public static final int MAX_GRAD_STEPS = 10_000;
    /** Most context templates in all (the original's presets: 20). */
    public static final int MAX_TEMPLATES = 1_000;
    /** Most tokens generated for one context template (the original's presets: 5 and 10). */
    public static final int MAX_TEMPLATE_LENGTH = 1_000;

    /** Validates and copies. */
    public RomeHparams {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) throw new IllegalArgumentException("hparams: \"layers\" is empty; give the layer to edit, e.g. [17]");
        List<int[]> copy = new ArrayList<>();
        long templates = 0;
        for (int[] p : contextTemplateLengthParams) {
            if (p.length != 2 || p[0] < 1 || p[1] < 0) {
                throw new IllegalArgumentException("hparams: context_template_length_params entries are [length, count], got "
                        + java.util.Arrays.toString(p));
            }
            if (p[0] > MAX_TEMPLATE_LENGTH) {
                throw new IllegalArgumentException("hparams: context_template_length_params length " + p[0] + " is over "
                        + MAX_TEMPLATE_LENGTH + " tokens (the original's presets use 5 and 10)");
            }
            templates += p[1];
            copy.add(p.clone());
        }
        if (templates > MAX_TEMPLATES) {
            throw new IllegalArgumentException("hparams: context_template_length_params ask for " + templates + " context templates, over "
                    + MAX_TEMPLATES + " (the original's presets use 20); every one is a forward pass in every v* step");
        }
        contextTemplateLengthParams = List.copyOf(copy);
        if (factToken == null) throw new IllegalArgumentException("hparams: no fact_token");
        if (!mom2Dtype.equals("float32") && !mom2Dtype.equals("float64")) {
            throw new IllegalArgumentException("hparams: mom2_dtype \"" + mom2Dtype + "\" must be float32 or float64");
        }
        if (vNumGradSteps < 1 || vNumGradSteps > MAX_GRAD_STEPS) {
            throw new IllegalArgumentException("hparams: v_num_grad_steps " + vNumGradSteps + " must be 1 to " + MAX_GRAD_STEPS
                    + " (the original's presets use 20 or 25)");
        }
    }

    /** Reads a JSON file in the original schema. */
    public static RomeHparams read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("hparams file not found: " + file + "; pass a JSON file in the schema of "
                    + "the original hparams/ROME/*.json or a preset name (" + String.join(", ", PRESETS) + ")");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(JSON.readTree(in), file.getFileName().toString());
        }
    }

    /** A shipped preset by name ({@link #PRESETS}), with the original project's values. */
    public static RomeHparams preset(String name) {
        String res = "/rome4j/hparams/ROME/" + name + ".json";
        try (InputStream in = RomeHparams.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalArgumentException("no hparams preset " + name + "; presets are " + String.join(", ", PRESETS));
            }
            return parse(JSON.readTree(in), name + ".json");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read preset " + res + ": " + e.getMessage(), e);
        }
    }

    /** A preset name or a JSON file path. */
    public static RomeHparams load(String presetOrFile) throws IOException {
        if (PRESETS.contains(presetOrFile)) return preset(presetOrFile);
        return read(Path.of(presetOrFile));
    }

    /** Parses the original schema; {@code source} names the input in errors. */
    public static RomeHparams parse(JsonNode n, String source) {
        if (!n.isObject()) throw new IllegalArgumentException("hparams " + source + " is not a JSON object");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("hparams " + source + ": unknown key \"" + k + "\"; known keys are "
                        + String.join(", ", new java.util.TreeSet<>(KEYS)));
            }
        }
        checkTypes(n, source);
        List<Integer> layers = new ArrayList<>();
        for (JsonNode l : need(n, "layers", source)) layers.add(l.asInt());
        List<int[]> ctp = new ArrayList<>();
        JsonNode c = n.get("context_template_length_params");
        if (c == null) {
            ctp.add(new int[] {5, 10});
            ctp.add(new int[] {10, 10});
        } else {
            for (JsonNode p : c) ctp.add(new int[] {p.get(0).asInt(), p.get(1).asInt()});
        }
        return new RomeHparams(layers, FactToken.parse(text(n, "fact_token", "subject_last")), need(n, "v_num_grad_steps", source).asInt(),
                need(n, "v_lr", source).asDouble(), need(n, "v_loss_layer", source).asInt(),
                need(n, "v_weight_decay", source).asDouble(), need(n, "clamp_norm_factor", source).asDouble(),
                need(n, "kl_factor", source).asDouble(), n.path("mom2_adjustment").asBoolean(true), ctp,
                text(n, "rewrite_module_tmp", "transformer.h.{}.mlp.c_proj"), text(n, "layer_module_tmp", "transformer.h.{}"),
                text(n, "mlp_module_tmp", "transformer.h.{}.mlp"), text(n, "attn_module_tmp", "transformer.h.{}.attn"),
                text(n, "ln_f_module", "transformer.ln_f"), text(n, "lm_head_module", "transformer.wte"),
                text(n, "mom2_dataset", "wikipedia"), n.path("mom2_n_samples").asLong(100000),
                text(n, "mom2_dtype", "float32"));
    }

    private static final Set<String> INTS = Set.of("v_num_grad_steps", "v_loss_layer", "mom2_n_samples");
    private static final Set<String> NUMBERS = Set.of("v_lr", "v_weight_decay", "clamp_norm_factor", "kl_factor");

    /**
     * Each present key has the type the original schema gives it, so {@code "layers": {"a": 1}} or
     * {@code "v_lr": "fast"} is an error naming the field rather than a silently converted value.
     */
    private static void checkTypes(JsonNode n, String source) {
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (v.isNull()) continue;
            String want = null;
            if (k.equals("layers")) {
                boolean ok = v.isArray() && !v.isEmpty();
                for (JsonNode l : v) ok &= l.canConvertToExactIntegral() && l.isNumber() && l.asInt() >= 0;
                if (!ok) want = "a non-empty list of layer numbers such as [17]";
            } else if (k.equals("context_template_length_params")) {
                boolean ok = v.isArray();
                for (JsonNode p : v) ok &= p.isArray() && p.size() == 2 && p.get(0).isIntegralNumber() && p.get(1).isIntegralNumber();
                if (!ok) want = "a list of [length, count] pairs such as [[5, 10], [10, 10]]";
            } else if (INTS.contains(k)) {
                if (!v.isNumber() || !v.canConvertToExactIntegral() || v.asLong() < 0) want = "a non-negative integer";
            } else if (NUMBERS.contains(k)) {
                if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) want = "a non-negative number";
            } else if (k.equals("mom2_adjustment")) {
                if (!v.isBoolean()) want = "true or false";
            } else if (!v.isTextual()) {
                want = "a string";
            }
            if (want != null) {
                throw new IllegalArgumentException("hparams " + source + ": \"" + k + "\" must be " + want + ", got " + v);
            }
        }
    }

    /**
     * Checks the layers against a model: every edited layer exists, and {@code v_loss_layer} is its last
     * layer (the loss is computed on the logits, as in the original; another value would be ignored).
     */
    public void checkFor(int nLayer, String model) {
        for (int l : layers) {
            if (l >= nLayer) {
                throw new IllegalArgumentException("hparams: \"layers\" has " + l + " but " + model + " has layers 0–" + (nLayer - 1)
                        + "; set \"layers\" or pass --layer");
            }
        }
        if (vLossLayer != nLayer - 1) {
            throw new IllegalArgumentException("hparams: \"v_loss_layer\" is " + vLossLayer + " but the loss is computed after the last "
                    + "layer of " + model + ": set it to " + (nLayer - 1));
        }
    }

    private static JsonNode need(JsonNode n, String key, String source) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("hparams " + source + ": missing key \"" + key + "\" (see hparams/ROME/gpt2-xl.json)");
        }
        return v;
    }

    private static String text(JsonNode n, String key, String dflt) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    /** The same values with other layers. */
    public RomeHparams withLayers(List<Integer> newLayers) {
        return new RomeHparams(newLayers, factToken, vNumGradSteps, vLr, vLossLayer, vWeightDecay, clampNormFactor, klFactor,
                mom2Adjustment, contextTemplateLengthParams, rewriteModuleTmp, layerModuleTmp, mlpModuleTmp, attnModuleTmp,
                lnFModule, lmHeadModule, mom2Dataset, mom2NSamples, mom2Dtype);
    }

    /** The same values with another token to edit at ({@code subject_last}, {@code subject_first}, {@code last}, ...). */
    public RomeHparams withFactToken(String token) {
        return withFactToken(FactToken.parse(token));
    }

    /** The same values with another token to edit at. */
    public RomeHparams withFactToken(FactToken token) {
        return new RomeHparams(layers, token, vNumGradSteps, vLr, vLossLayer, vWeightDecay, clampNormFactor, klFactor,
                mom2Adjustment, contextTemplateLengthParams, rewriteModuleTmp, layerModuleTmp, mlpModuleTmp, attnModuleTmp,
                lnFModule, lmHeadModule, mom2Dataset, mom2NSamples, mom2Dtype);
    }

    /** The same values with another statistics sample count. */
    public RomeHparams withMom2NSamples(long n) {
        return new RomeHparams(layers, factToken, vNumGradSteps, vLr, vLossLayer, vWeightDecay, clampNormFactor, klFactor,
                mom2Adjustment, contextTemplateLengthParams, rewriteModuleTmp, layerModuleTmp, mlpModuleTmp, attnModuleTmp,
                lnFModule, lmHeadModule, mom2Dataset, n, mom2Dtype);
    }

    /** The HF weight name edited at a layer: {@code rewrite_module_tmp} formatted, plus {@code .weight}. */
    public String weightName(int layer) {
        return rewriteModuleTmp.replace("{}", Integer.toString(layer)) + ".weight";
    }

    /** The original schema as JSON. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode ls = o.putArray("layers");
        layers.forEach(ls::add);
        o.put("fact_token", factToken.key());
        o.put("v_num_grad_steps", vNumGradSteps);
        o.put("v_lr", vLr);
        o.put("v_loss_layer", vLossLayer);
        o.put("v_weight_decay", vWeightDecay);
        o.put("clamp_norm_factor", clampNormFactor);
        o.put("kl_factor", klFactor);
        o.put("mom2_adjustment", mom2Adjustment);
        ArrayNode c = o.putArray("context_template_length_params");
        for (int[] p : contextTemplateLengthParams) c.addArray().add(p[0]).add(p[1]);
        o.put("rewrite_module_tmp", rewriteModuleTmp);
        o.put("layer_module_tmp", layerModuleTmp);
        o.put("mlp_module_tmp", mlpModuleTmp);
        o.put("attn_module_tmp", attnModuleTmp);
        o.put("ln_f_module", lnFModule);
        o.put("lm_head_module", lmHeadModule);
        o.put("mom2_dataset", mom2Dataset);
        o.put("mom2_n_samples", mom2NSamples);
        o.put("mom2_dtype", mom2Dtype);
        return o;
    }

    /** Field values by JSON key (for tables and display). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        toJson().fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().toString()));
        return m;
    }
}
