package org.rome4j.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rome4j.Shared;
import org.rome4j.intervene.Interventions;
import org.rome4j.io.SafeTensors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Llama family beyond the golden: checkpoints written here (Qwen2 with q/k/v biases, GQA and a tied
 * head in the transformers-4 layout; Mistral with multi-query attention, an explicit head_dim, linear
 * RoPE scaling and a sliding window in the transformers-5 layout; Llama with llama3 RoPE scaling and
 * every bias) against an independent float64 forward written from HF's definitions, plus the
 * one-line refusals and KV-cache generation with kv heads cached once.
 */
class LlamaFamilyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int V = 96;

    /** A config and random weights for it, written as an HF folder (GPT-2 tokenizer files, unused here). */
    static Map<String, float[][]> write(Path dir, ObjectNode cfg, long seed) throws Exception {
        Files.createDirectories(dir);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            Files.copy(Shared.tinyGpt2().resolve(f), dir.resolve(f));
        }
        JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
        GptConfig c = GptConfig.fromJson(cfg);
        Random rnd = new Random(seed);
        Map<String, float[][]> w = new HashMap<>();
        Map<String, SafeTensors.Tensor> file = new HashMap<>();
        for (ParamSpec p : c.architecture().parameters(c)) {
            long[] s = p.shape();
            int rows = s.length == 1 ? 1 : (int) s[0];
            int cols = (int) s[s.length - 1];
            float[][] m = new float[rows][cols];
            float[] flat = new float[rows * cols];
            boolean norm = p.name().contains("norm");
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double g = rnd.nextGaussian();
                    m[i][j] = (float) (norm ? 1 + 0.1 * g : p.name().endsWith("bias") ? 0.1 * g : g / Math.sqrt(cols) * 1.5);
                    flat[i * cols + j] = m[i][j];
                }
            }
            w.put(p.name(), m);
            file.put(p.name(), new SafeTensors.Tensor(s, flat));
        }
        SafeTensors.write(dir.resolve("model.safetensors"), file);
        return w;
    }

    static ObjectNode base(String type, int d, int heads, int kv, int f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("model_type", type);
        n.put("hidden_size", d);
        n.put("num_attention_heads", heads);
        n.put("num_key_value_heads", kv);
        n.put("intermediate_size", f);
        n.put("num_hidden_layers", 2);
        n.put("vocab_size", V);
        n.put("max_position_embeddings", 64);
        n.put("rms_norm_eps", 1e-6);
        n.put("hidden_act", "silu");
        return n;
    }

    // ------------------------------------------------------------------ the independent reference

    /** HF's inverse frequencies in float64: default, linear, llama3 (transformers' _compute_llama3_parameters). */
    static double[] invFreq(int r, double theta, String type, double factor, double low, double high, int orig) {
        double[] inv = new double[r / 2];
        for (int j = 0; j < inv.length; j++) {
            inv[j] = Math.pow(theta, -2.0 * j / r);
            if (type.equals("linear")) inv[j] /= factor;
            if (type.equals("llama3")) {
                double wl = 2 * Math.PI / inv[j];
                if (wl > orig / low) {
                    inv[j] /= factor;                                  // low frequencies: scaled
                } else if (wl >= orig / high) {                        // the middle band: interpolated
                    double s = (orig / wl - low) / (high - low);
                    inv[j] = (1 - s) * inv[j] / factor + s * inv[j];
                }
            }
        }
        return inv;
    }

    /** Logits [T][V] of a Llama-family model, in float64. */
    static double[][] reference(Map<String, float[][]> w, int layers, int heads, int kv, int hd, double eps, double[] inv,
                                boolean tied, boolean qkvBias, boolean oBias, boolean mlpBias, long[] ids) {
        int t = ids.length;
        double[][] x = new double[t][];
        for (int i = 0; i < t; i++) x[i] = toD(w.get("model.embed_tokens.weight")[(int) ids[i]]);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            double[][] h = rms(x, w.get(p + "input_layernorm.weight")[0], eps);
            double[][] q = lin(h, w, p + "self_attn.q_proj", qkvBias);
            double[][] k = lin(h, w, p + "self_attn.k_proj", qkvBias);
            double[][] v = lin(h, w, p + "self_attn.v_proj", qkvBias);
            for (int i = 0; i < t; i++) {
                rope(q[i], heads, hd, inv, i);
                rope(k[i], kv, hd, inv, i);
            }
            double[][] o = new double[t][heads * hd];
            for (int hh = 0; hh < heads; hh++) {
                int g = hh / (heads / kv);
                for (int i = 0; i < t; i++) {
                    double[] s = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        for (int e = 0; e < hd; e++) s[j] += q[i][hh * hd + e] * k[j][g * hd + e];
                        s[j] /= Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j <= i; j++) z += s[j] = Math.exp(s[j] - max);
                    for (int j = 0; j <= i; j++) {
                        for (int e = 0; e < hd; e++) o[i][hh * hd + e] += s[j] / z * v[j][g * hd + e];
                    }
                }
            }
            add(x, lin(o, w, p + "self_attn.o_proj", oBias));
            double[][] h2 = rms(x, w.get(p + "post_attention_layernorm.weight")[0], eps);
            double[][] gate = lin(h2, w, p + "mlp.gate_proj", mlpBias);
            double[][] up = lin(h2, w, p + "mlp.up_proj", mlpBias);
            for (int i = 0; i < t; i++) {
                for (int e = 0; e < gate[i].length; e++) gate[i][e] = gate[i][e] / (1 + Math.exp(-gate[i][e])) * up[i][e];
            }
            add(x, lin(gate, w, p + "mlp.down_proj", mlpBias));
        }
        double[][] hf = rms(x, w.get("model.norm.weight")[0], eps);
        float[][] head = w.get(tied ? "model.embed_tokens.weight" : "lm_head.weight");
        double[][] out = new double[t][head.length];
        for (int i = 0; i < t; i++) {
            for (int r = 0; r < head.length; r++) {
                for (int e = 0; e < hf[i].length; e++) out[i][r] += hf[i][e] * head[r][e];
            }
        }
        return out;
    }

    static void rope(double[] x, int heads, int hd, double[] inv, int pos) {
        int half = inv.length;
        for (int hh = 0; hh < heads; hh++) {
            for (int j = 0; j < half; j++) {
                int a = hh * hd + j;
                int b = a + half;
                double c = Math.cos(pos * inv[j]);
                double s = Math.sin(pos * inv[j]);
                double xa = x[a];
                double xb = x[b];
                x[a] = xa * c - xb * s;
                x[b] = xb * c + xa * s;
            }
        }
    }

    static double[][] rms(double[][] x, float[] w, double eps) {
        double[][] out = new double[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            double ms = 0;
            for (double v : x[i]) ms += v * v;
            double r = 1 / Math.sqrt(ms / x[i].length + eps);
            for (int e = 0; e < x[i].length; e++) out[i][e] = w[e] * x[i][e] * r;
        }
        return out;
    }

    static double[][] lin(double[][] x, Map<String, float[][]> w, String name, boolean bias) {
        float[][] m = w.get(name + ".weight");
        double[][] out = new double[x.length][m.length];
        for (int i = 0; i < x.length; i++) {
            for (int r = 0; r < m.length; r++) {
                double s = bias ? w.get(name + ".bias")[0][r] : 0;
                for (int e = 0; e < x[i].length; e++) s += m[r][e] * x[i][e];
                out[i][r] = s;
            }
        }
        return out;
    }

    static void add(double[][] x, double[][] y) {
        for (int i = 0; i < x.length; i++) {
            for (int e = 0; e < x[i].length; e++) x[i][e] += y[i][e];
        }
    }

    static double[] toD(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < d.length; i++) d[i] = f[i];
        return d;
    }

    static long[] ids(int t, long seed) {
        Random r = new Random(seed);
        long[] out = new long[t];
        for (int i = 0; i < t; i++) out[i] = r.nextInt(V);
        return out;
    }

    static double compare(Path dir, double[][] want, long[] ids) {
        try (Gpt gpt = Gpt.load(dir); NDManager scope = gpt.newScope()) {
            float[] got = gpt.forward(scope, Batch.of(ids), Interventions.NONE).logits().toFloatArray();
            double err = 0;
            for (int i = 0; i < want.length; i++) {
                for (int r = 0; r < V; r++) err = Math.max(err, Math.abs(want[i][r] - got[i * V + r]));
            }
            return err;
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    void qwen2BiasesGqaTiedHeadTransformers4Layout(@TempDir Path tmp) throws Exception {
        ObjectNode cfg = base("qwen2", 32, 4, 2, 40);
        cfg.put("rope_theta", 1000000.0);
        cfg.put("tie_word_embeddings", true);
        cfg.put("torch_dtype", "float32");
        Map<String, float[][]> w = write(tmp, cfg, 1);
        assertTrue(w.containsKey("model.layers.0.self_attn.q_proj.bias") && !w.containsKey("model.layers.0.self_attn.o_proj.bias"));
        assertTrue(!w.containsKey("lm_head.weight"), "a tied head is not stored");
        long[] ids = ids(14, 2);
        double[][] want = reference(w, 2, 4, 2, 8, 1e-6, invFreq(8, 1e6, "default", 1, 1, 4, 0), true, true, false, false, ids);
        double err = compare(tmp, want, ids);
        System.out.println("qwen2 (GQA, q/k/v biases, tied) vs float64: " + err);
        assertTrue(err < 1e-4, "qwen2 logits " + err);
    }

    @Test
    void mistralMqaLinearRopeExplicitHeadDimAndSlidingWindow(@TempDir Path tmp) throws Exception {
        ObjectNode cfg = base("mistral", 32, 4, 1, 48);
        cfg.put("head_dim", 12);                                 // 4 × 12 ≠ 32: the projections are not square
        cfg.put("sliding_window", 12);
        cfg.putObject("rope_parameters").put("rope_type", "linear").put("factor", 2.0).put("rope_theta", 10000.0);
        cfg.put("dtype", "float32");
        Map<String, float[][]> w = write(tmp, cfg, 3);
        long[] ids = ids(12, 4);
        double[][] want = reference(w, 2, 4, 1, 12, 1e-6, invFreq(12, 1e4, "linear", 2, 1, 4, 0), false, false, false, false, ids);
        double err = compare(tmp, want, ids);
        System.out.println("mistral (MQA, head_dim 12, linear RoPE) vs float64: " + err);
        assertTrue(err < 1e-4, "mistral logits " + err);
        try (Gpt gpt = Gpt.load(tmp); NDManager scope = gpt.newScope()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> gpt.forward(scope, Batch.of(ids(13, 5)), Interventions.NONE));
            assertTrue(e.getMessage().contains("sliding window of 12 tokens") && !e.getMessage().contains("\n"), e.getMessage());
            // generation: the cache holds the single kv head once, and cached greedy equals full recomputes
            long[] prompt = ids(5, 6);
            long[] got = Generator.builder().maxNewTokens(6).stopAtEos(false).build().generateIds(gpt, List.of(prompt)).get(0);
            assertArrayEquals(greedyNoCache(gpt, prompt, 6), got);
            try (KvCache cache = new KvCache(scope, gpt.nLayer())) {
                gpt.step(scope, new long[][] {prompt}, new long[][] {{0, 1, 2, 3, 4}}, new int[][] {{1, 1, 1, 1, 1}}, cache,
                        Interventions.NONE);
                assertArrayEquals(new long[] {1, 1, 5, 12}, cache.keys(0).getShape().getShape(), "one kv head cached");
            }
        }
    }

    @Test
    void llamaLlama3RopeAndEveryBias(@TempDir Path tmp) throws Exception {
        ObjectNode cfg = base("llama", 64, 4, 2, 48);
        cfg.put("rope_theta", 10000.0);
        cfg.put("attention_bias", true);
        cfg.put("mlp_bias", true);
        // original context 64: with head width 16 the frequencies fall in all three llama3 bands
        cfg.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0).put("low_freq_factor", 1.0)
                .put("high_freq_factor", 4.0).put("original_max_position_embeddings", 64);
        Map<String, float[][]> w = write(tmp, cfg, 7);
        long[] ids = ids(20, 8);
        double[] inv = invFreq(16, 1e4, "llama3", 8, 1, 4, 64);
        double[][] want = reference(w, 2, 4, 2, 16, 1e-6, inv, false, true, true, true, ids);
        double err = compare(tmp, want, ids);
        System.out.println("llama (llama3 RoPE, all biases) vs float64: " + err);
        assertTrue(err < 1e-4, "llama logits " + err);
        // the scaling matters: unscaled frequencies give other logits
        double[][] unscaled = reference(w, 2, 4, 2, 16, 1e-6, invFreq(16, 1e4, "default", 1, 1, 4, 0), false, true, true, true,
                ids);
        double diff = 0;
        for (int i = 0; i < want.length; i++) {
            for (int r = 0; r < V; r++) diff = Math.max(diff, Math.abs(want[i][r] - unscaled[i][r]));
        }
        assertTrue(diff > 1e-2, "llama3 scaling changes the logits by " + diff);
    }

    @Test
    void unsupportedRopeTypeIsOneLineNamingTheSupportedOnes(@TempDir Path tmp) throws Exception {
        for (String type : List.of("dynamic", "yarn")) {
            ObjectNode cfg = base("llama", 32, 4, 4, 40);
            cfg.putObject("rope_scaling").put("rope_type", type).put("factor", 2.0);
            Path dir = tmp.resolve(type);
            Files.createDirectories(dir);
            Files.copy(Shared.tinyGpt2().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
            JSON.writeValue(dir.resolve("config.json").toFile(), cfg);
            Files.write(dir.resolve("model.safetensors"), new byte[0]);
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> Gpt.load(dir));
            assertTrue(e.getMessage().startsWith("rope type \"" + type + "\" is not supported: supported rope types are default, "
                    + "linear, llama3"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }

    static long[] greedyNoCache(Gpt gpt, long[] prompt, int n) {
        List<Long> seq = new ArrayList<>();
        for (long id : prompt) seq.add(id);
        long[] out = new long[n];
        for (int s = 0; s < n; s++) {
            long[] ids = seq.stream().mapToLong(Long::longValue).toArray();
            try (NDManager scope = gpt.newScope()) {
                out[s] = gpt.forwardLast(scope, Batch.of(ids), Interventions.NONE).logits().flatten().argMax().getLong();
            }
            seq.add(out[s]);
        }
        return out;
    }
}
