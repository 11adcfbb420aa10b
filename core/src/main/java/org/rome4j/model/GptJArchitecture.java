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
 * GPT-J: one LayerNorm feeding parallel attention and MLP; interleaved rotary on the first
 * {@code rotary_dim} dims of each head (theta 10000, fixed in HF's code); no attention biases; an
 * output head with a bias.
 */
final class GptJArchitecture implements Architecture {
    private static final String[] ATTN = {"q_proj", "k_proj", "v_proj", "out_proj"};

    @Override
    public String name() {
        return "gptj";
    }

    @Override
    public List<String> modelTypes() {
        return List.of("gptj");
    }

    @Override
    public GptConfig readConfig(JsonNode n) {
        int d = required(n, "n_embd", "gptj");
        int h = required(n, "n_head", "gptj");
        int hd = d / h;
        String act = activation(n, "activation_function", "gelu_new", List.of("gelu_new", "gelu", "relu", "gelu_pytorch_tanh"));
        Rope rope = Rope.plain(integer(n, "rotary_dim", hd), 10000, true);
        return new GptConfig("gptj", required(n, "n_layer", "gptj"), d, h, h, hd, integer(n, "n_inner", 4 * d),
                integer(n, "n_positions", 2048), integer(n, "vocab_size", 50400), epsilon(n, "layer_norm_epsilon", 1e-5), act,
                flag(n, "tie_word_embeddings", false), true, false, rope, true, false, true, 0);
    }

    @Override
    public Block block(GptConfig cfg, int layer, Parameters params) {
        String prefix = "transformer.h." + layer + ".";
        return ResidualBlock.parallel(layer, params, Norm.layer(prefix + "ln_1", cfg.nEmbd(), cfg.layerNormEps()),
                LinearAttention.separate(cfg, layer, prefix + "attn.", ATTN, false, false, true), null,
                new LinearMlp(cfg, layer, null, prefix + "mlp.fc_in", prefix + "mlp.fc_out", true));
    }

    @Override
    public String tokenEmbedding() {
        return "transformer.wte.weight";
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
    public String headBias(GptConfig cfg) {
        return "lm_head.bias";
    }

    @Override
    public Map<String, String> moduleTemplates(GptConfig cfg) {
        return Map.of("rewrite_module_tmp", "transformer.h.{}.mlp.fc_out", "layer_module_tmp", "transformer.h.{}",
                "mlp_module_tmp", "transformer.h.{}.mlp", "attn_module_tmp", "transformer.h.{}.attn",
                "ln_f_module", "transformer.ln_f", "lm_head_module", "lm_head");
    }
}
