package org.rome4j.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

import static org.rome4j.model.ConfigReader.activation;
import static org.rome4j.model.ConfigReader.flag;
import static org.rome4j.model.ConfigReader.integer;
import static org.rome4j.model.ConfigReader.epsilon;

/** GPT-2: learned positions, Conv1D weights ([in, out]), sequential LayerNorm blocks, usually a tied head. */
final class Gpt2Architecture implements Architecture {
    @Override
    public String name() {
        return "gpt2";
    }

    @Override
    public List<String> modelTypes() {
        return List.of("gpt2");
    }

    @Override
    public GptConfig readConfig(JsonNode n) {
        int d = integer(n, "n_embd", 768);
        String act = activation(n, "activation_function", "gelu_new", List.of("gelu_new", "gelu", "relu", "gelu_pytorch_tanh"));
        return new GptConfig("gpt2", integer(n, "n_layer", 12), d, integer(n, "n_head", 12), integer(n, "n_inner", 4 * d),
                n.has("n_positions") ? integer(n, "n_positions", 1024) : integer(n, "n_ctx", 1024),
                integer(n, "vocab_size", 50257), epsilon(n, "layer_norm_epsilon", 1e-5), act,
                flag(n, "tie_word_embeddings", true), flag(n, "scale_attn_weights", true),
                flag(n, "scale_attn_by_inverse_layer_idx", false));
    }

    @Override
    public Block block(GptConfig cfg, int layer, Parameters params) {
        String prefix = "transformer.h." + layer + ".";
        return ResidualBlock.sequential(layer, params, Norm.layer(prefix + "ln_1", cfg.nEmbd(), cfg.layerNormEps()),
                new Attention(cfg, layer, prefix + "attn."), Norm.layer(prefix + "ln_2", cfg.nEmbd(), cfg.layerNormEps()),
                new Mlp(cfg, layer, prefix + "mlp."));
    }

    @Override
    public String tokenEmbedding() {
        return "transformer.wte.weight";
    }

    @Override
    public String positionEmbedding() {
        return "transformer.wpe.weight";
    }

    @Override
    public Norm finalNorm(GptConfig cfg) {
        return Norm.layer("transformer.ln_f", cfg.nEmbd(), cfg.layerNormEps());
    }

    @Override
    public String head(GptConfig cfg) {
        return cfg.tieWordEmbeddings() ? tokenEmbedding() : "lm_head.weight";
    }

    @Override
    public Map<String, String> moduleTemplates(GptConfig cfg) {
        return Map.of("rewrite_module_tmp", "transformer.h.{}.mlp.c_proj", "layer_module_tmp", "transformer.h.{}",
                "mlp_module_tmp", "transformer.h.{}.mlp", "attn_module_tmp", "transformer.h.{}.attn",
                "ln_f_module", "transformer.ln_f", "lm_head_module", cfg.tieWordEmbeddings() ? "transformer.wte" : "lm_head");
    }

    /** GPT2Model files store names without the {@code transformer.} prefix. */
    @Override
    public String canonical(String n) {
        return n.startsWith("transformer.") || n.startsWith("lm_head.") ? n : "transformer." + n;
    }
}
