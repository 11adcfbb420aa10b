package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One model family: how its {@code config.json} reads, what its weights are called and shaped, how a
 * block computes, and where its embedding, final norm, unembedding and rewritable MLP projection
 * are. The model, tracing, ROME, evaluation and the logit lens ask this interface and never branch
 * on the family. Implementations: {@code gpt2}, {@code gptj}, {@code gpt_neox} and the Llama family
 * ({@code llama}, {@code mistral}, {@code qwen2}); {@link Architectures#of} finds one by
 * {@code model_type}.
 */
public interface Architecture {
    /** The family's name, e.g. {@code "gpt_neox"}. */
    String name();

    /** The HF {@code model_type} values this family reads. */
    List<String> modelTypes();

    /**
     * Reads a {@code config.json} (transformers 4 or 5 layout).
     *
     * @throws IllegalArgumentException one line naming an unsupported feature and the supported ones
     */
    GptConfig readConfig(JsonNode n);

    /** Every weight with its HF state-dict name and shape: embeddings, blocks, final norm, head. */
    default List<ParamSpec> parameters(GptConfig cfg) {
        List<ParamSpec> out = new ArrayList<>();
        out.add(new ParamSpec(tokenEmbedding(), cfg.vocabSize(), cfg.nEmbd()));
        if (positionEmbedding() != null) out.add(new ParamSpec(positionEmbedding(), cfg.nPositions(), cfg.nEmbd()));
        for (int i = 0; i < cfg.nLayer(); i++) out.addAll(block(cfg, i, null).parameters());
        out.addAll(finalNorm(cfg).parameters());
        if (!cfg.tieWordEmbeddings()) out.add(new ParamSpec(head(cfg), cfg.vocabSize(), cfg.nEmbd()));
        if (headBias(cfg) != null) out.add(new ParamSpec(headBias(cfg), cfg.vocabSize()));
        return out;
    }

    /** Block {@code layer}, reading its weights from {@code params} at each forward (null: specs only). */
    Block block(GptConfig cfg, int layer, Parameters params);

    /** The token embedding weight [V, D]. */
    String tokenEmbedding();

    /** The learned position embedding weight [positions, D], or null for rotary families. */
    default String positionEmbedding() {
        return null;
    }

    /** The final norm (e.g. {@code model.norm}, an RMSNorm). */
    Norm finalNorm(GptConfig cfg);

    /** The unembedding weight [V, D] (the token embedding when tied). */
    String head(GptConfig cfg);

    /** The unembedding bias [V], or null (only GPT-J has one). */
    default String headBias(GptConfig cfg) {
        return null;
    }

    /**
     * The module templates of the original ROME hparams schema for this family, keyed by the
     * schema's field ({@code rewrite_module_tmp}, {@code layer_module_tmp}, {@code mlp_module_tmp},
     * {@code attn_module_tmp}, {@code ln_f_module}, {@code lm_head_module}); {@code {}} is the layer.
     * {@code rewrite_module_tmp} is the MLP output projection, whose input is site
     * {@code layer.{i}.mlp.in} and output {@code layer.{i}.mlp.out}.
     */
    Map<String, String> moduleTemplates(GptConfig cfg);

    /** The canonical name of a tensor as stored in a file (aliases and prefixes differ between savers). */
    default String canonical(String stored) {
        return stored;
    }

    /** Computes the final norm of the residual stream [.., D]. */
    default NDArray finalNorm(GptConfig cfg, Parameters params, NDArray x) {
        return finalNorm(cfg).apply(x, params);
    }
}
