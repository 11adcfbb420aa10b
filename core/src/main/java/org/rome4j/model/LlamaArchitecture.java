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
 * The Llama family ({@code llama}, {@code mistral}, {@code qwen2}): RMSNorm, half-rotation rotary
 * with {@code rope_theta} and optional scaling, grouped-query attention, SwiGLU MLP, q/k/v biases
 * for Qwen2 (or with {@code attention_bias}), tied or untied head, Mistral's sliding window.
 */
final class LlamaArchitecture implements Architecture {
    private static final String[] ATTN = {"q_proj", "k_proj", "v_proj", "o_proj"};

    @Override
    public String name() {
        return "llama";
    }

    @Override
    public List<String> modelTypes() {
        return List.of("llama", "mistral", "qwen2");
    }

    @Override
    public GptConfig readConfig(JsonNode n) {
        String type = n.path("model_type").asText();
        int d = required(n, "hidden_size", type);
        int h = required(n, "num_attention_heads", type);
        int hd = integer(n, "head_dim", d / h);
        boolean qwen = type.equals("qwen2");
        boolean bias = qwen || flag(n, "attention_bias", false);
        int window = 0;
        if (type.equals("mistral") || (qwen && flag(n, "use_sliding_window", false))) {
            window = integer(n, "sliding_window", 0);
        }
        String act = activation(n, "hidden_act", "silu", List.of("silu", "gelu", "gelu_new", "gelu_pytorch_tanh", "relu"));
        return new GptConfig(type, required(n, "num_hidden_layers", type), d, h, integer(n, "num_key_value_heads", h), hd,
                required(n, "intermediate_size", type), integer(n, "max_position_embeddings", 2048),
                integer(n, "vocab_size", 32000), epsilon(n, "rms_norm_eps", 1e-6), act, flag(n, "tie_word_embeddings", false),
                true, false, Rope.read(n, hd, 10000, 1.0), false, bias, flag(n, "mlp_bias", false), window);
    }

    @Override
    public Block block(GptConfig cfg, int layer, Parameters params) {
        String prefix = "model.layers." + layer + ".";
        boolean oBias = cfg.attentionBias() && !cfg.modelType().equals("qwen2");
        return ResidualBlock.sequential(layer, params, Norm.rms(prefix + "input_layernorm", cfg.nEmbd(), cfg.layerNormEps()),
                LinearAttention.separate(cfg, layer, prefix + "self_attn.", ATTN, cfg.attentionBias(), oBias, false),
                Norm.rms(prefix + "post_attention_layernorm", cfg.nEmbd(), cfg.layerNormEps()),
                new LinearMlp(cfg, layer, prefix + "mlp.gate_proj", prefix + "mlp.up_proj", prefix + "mlp.down_proj",
                        cfg.mlpBias()));
    }

    @Override
    public String tokenEmbedding() {
        return "model.embed_tokens.weight";
    }

    @Override
    public Norm finalNorm(GptConfig cfg) {
        return Norm.rms("model.norm", cfg.nEmbd(), cfg.layerNormEps());
    }

    @Override
    public String head(GptConfig cfg) {
        return cfg.tieWordEmbeddings() ? tokenEmbedding() : "lm_head.weight";
    }

    @Override
    public Map<String, String> moduleTemplates(GptConfig cfg) {
        return Map.of("rewrite_module_tmp", "model.layers.{}.mlp.down_proj", "layer_module_tmp", "model.layers.{}",
                "mlp_module_tmp", "model.layers.{}.mlp", "attn_module_tmp", "model.layers.{}.self_attn",
                "ln_f_module", "model.norm", "lm_head_module", cfg.tieWordEmbeddings() ? "model.embed_tokens" : "lm_head");
    }
}
