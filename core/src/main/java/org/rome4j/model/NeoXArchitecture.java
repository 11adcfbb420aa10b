package org.rome4j.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.rome4j.model.ConfigReader.activation;
import static org.rome4j.model.ConfigReader.flag;
import static org.rome4j.model.ConfigReader.integer;
import static org.rome4j.model.ConfigReader.epsilon;
import static org.rome4j.model.ConfigReader.required;

/**
 * GPT-NeoX (Pythia): fused per-head {@code [q|k|v]} projection with biases, half-rotation rotary on
 * {@code partial_rotary_factor} (legacy {@code rotary_pct}) of each head, parallel residual with two
 * LayerNorms (or sequential when {@code use_parallel_residual} is false), exact GELU, head stored
 * as {@code embed_out.weight}.
 */
final class NeoXArchitecture implements Architecture {
    @Override
    public String name() {
        return "gpt_neox";
    }

    @Override
    public List<String> modelTypes() {
        return List.of("gpt_neox");
    }

    @Override
    public GptConfig readConfig(JsonNode n) {
        int d = required(n, "hidden_size", "gpt_neox");
        int h = required(n, "num_attention_heads", "gpt_neox");
        int hd = d / h;
        String act = activation(n, "hidden_act", "gelu", List.of("gelu", "gelu_new", "gelu_pytorch_tanh", "relu", "silu"));
        return new GptConfig("gpt_neox", required(n, "num_hidden_layers", "gpt_neox"), d, h, h, hd,
                integer(n, "intermediate_size", 4 * d), integer(n, "max_position_embeddings", 2048),
                integer(n, "vocab_size", 50432), epsilon(n, "layer_norm_eps", 1e-5), act, flag(n, "tie_word_embeddings", false),
                true, false, Rope.read(n, hd, 10000, 0.25), flag(n, "use_parallel_residual", true),
                flag(n, "attention_bias", true), true, 0);
    }

    @Override
    public Block block(GptConfig cfg, int layer, Parameters params) {
        String prefix = "gpt_neox.layers." + layer + ".";
        Norm n1 = Norm.layer(prefix + "input_layernorm", cfg.nEmbd(), cfg.layerNormEps());
        Norm n2 = Norm.layer(prefix + "post_attention_layernorm", cfg.nEmbd(), cfg.layerNormEps());
        SubLayer attn = LinearAttention.fusedPerHead(cfg, layer, prefix + "attention.query_key_value",
                prefix + "attention.dense", cfg.attentionBias());
        SubLayer mlp = new LinearMlp(cfg, layer, null, prefix + "mlp.dense_h_to_4h", prefix + "mlp.dense_4h_to_h", true);
        return cfg.parallelResidual() ? ResidualBlock.parallel(layer, params, n1, attn, n2, mlp)
                : ResidualBlock.sequential(layer, params, n1, attn, n2, mlp);
    }

    @Override
    public String tokenEmbedding() {
        return "gpt_neox.embed_in.weight";
    }

    @Override
    public Norm finalNorm(GptConfig cfg) {
        return Norm.layer("gpt_neox.final_layer_norm", cfg.nEmbd(), cfg.layerNormEps());
    }

    @Override
    public String head(GptConfig cfg) {
        return cfg.tieWordEmbeddings() ? tokenEmbedding() : "embed_out.weight";
    }

    @Override
    public Map<String, String> moduleTemplates(GptConfig cfg) {
        return Map.of("rewrite_module_tmp", "gpt_neox.layers.{}.mlp.dense_4h_to_h", "layer_module_tmp", "gpt_neox.layers.{}",
                "mlp_module_tmp", "gpt_neox.layers.{}.mlp", "attn_module_tmp", "gpt_neox.layers.{}.attention",
                "ln_f_module", "gpt_neox.final_layer_norm", "lm_head_module", "embed_out");
    }

    /** transformers 5 calls the head {@code lm_head} in memory; Pythia files call it {@code embed_out}. */
    @Override
    public String canonical(String stored) {
        return stored.equals("lm_head.weight") ? "embed_out.weight" : stored;
    }
}
