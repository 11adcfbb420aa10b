package org.rome4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The hyper-parameters of a GPT-style model, read from a HuggingFace {@code config.json}.
 *
 * @param modelType        HF {@code model_type} ("gpt2")
 * @param nLayer           number of blocks
 * @param nEmbd            residual stream width D
 * @param nHead            attention heads (head width D / nHead)
 * @param nInner           MLP hidden width F (HF {@code n_inner}, null means 4·D)
 * @param nPositions       context length
 * @param vocabSize        vocabulary size V
 * @param layerNormEps     LayerNorm epsilon
 * @param activation       MLP activation ("gelu_new" is GPT-2's tanh approximation)
 * @param tieWordEmbeddings whether the LM head is the token embedding matrix
 * @param scaleAttnWeights  divide attention scores by sqrt(head width)
 * @param scaleAttnByInverseLayerIdx also divide layer i's scores by (i + 1)
 */
public record GptConfig(String modelType, int nLayer, int nEmbd, int nHead, int nInner, int nPositions,
                        int vocabSize, double layerNormEps, String activation, boolean tieWordEmbeddings,
                        boolean scaleAttnWeights, boolean scaleAttnByInverseLayerIdx) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates the numbers. */
    public GptConfig {
        if (nLayer < 1 || nEmbd < 1 || nHead < 1 || nEmbd % nHead != 0 || nPositions < 1 || vocabSize < 1) {
            throw new IllegalArgumentException("invalid GPT config: n_layer=" + nLayer + " n_embd=" + nEmbd
                    + " n_head=" + nHead + " (n_embd must be a multiple of n_head) n_positions=" + nPositions
                    + " vocab_size=" + vocabSize);
        }
    }

    /** A GPT-2 config with the usual defaults (MLP width 4·D, gelu_new, tied head). */
    public static GptConfig gpt2(int nLayer, int nEmbd, int nHead, int nPositions, int vocabSize) {
        return new GptConfig("gpt2", nLayer, nEmbd, nHead, 4 * nEmbd, nPositions, vocabSize, 1e-5,
                "gelu_new", true, true, false);
    }

    /** Head width D / nHead. */
    public int headDim() {
        return nEmbd / nHead;
    }

    /**
     * Reads a GPT-2 {@code config.json}.
     *
     * @throws IllegalArgumentException if {@code model_type} is missing or unsupported
     */
    public static GptConfig fromJson(JsonNode n) {
        String type = n.path("model_type").asText("");
        if (type.isEmpty()) {
            throw new IllegalArgumentException("config.json has no model_type: expected \"gpt2\"");
        }
        if (!type.equals("gpt2")) {
            throw new IllegalArgumentException("model_type \"" + type + "\" is not supported yet: rome4j loads gpt2 "
                    + "(GPT-2, DistilGPT-2, GPT-2 medium/large/xl) checkpoints");
        }
        int d = n.path("n_embd").asInt(768);
        JsonNode inner = n.get("n_inner");
        String act = n.path("activation_function").asText("gelu_new");
        if (!act.equals("gelu_new") && !act.equals("gelu") && !act.equals("relu") && !act.equals("gelu_pytorch_tanh")) {
            throw new IllegalArgumentException("activation_function \"" + act + "\" is not supported: use gelu_new, gelu or relu");
        }
        return new GptConfig(type, n.path("n_layer").asInt(12), d, n.path("n_head").asInt(12),
                inner == null || inner.isNull() ? 4 * d : inner.asInt(),
                n.has("n_positions") ? n.get("n_positions").asInt() : n.path("n_ctx").asInt(1024),
                n.path("vocab_size").asInt(50257), n.path("layer_norm_epsilon").asDouble(1e-5), act,
                n.path("tie_word_embeddings").asBoolean(true), n.path("scale_attn_weights").asBoolean(true),
                n.path("scale_attn_by_inverse_layer_idx").asBoolean(false));
    }

    /** This config as an HF {@code config.json} tree. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("model_type", modelType);
        n.putArray("architectures").add("GPT2LMHeadModel");
        n.put("activation_function", activation);
        n.put("n_layer", nLayer);
        n.put("n_embd", nEmbd);
        n.put("n_head", nHead);
        if (nInner == 4 * nEmbd) n.putNull("n_inner"); else n.put("n_inner", nInner);
        n.put("n_positions", nPositions);
        n.put("n_ctx", nPositions);
        n.put("vocab_size", vocabSize);
        n.put("layer_norm_epsilon", layerNormEps);
        n.put("tie_word_embeddings", tieWordEmbeddings);
        n.put("scale_attn_weights", scaleAttnWeights);
        n.put("scale_attn_by_inverse_layer_idx", scaleAttnByInverseLayerIdx);
        n.put("attn_pdrop", 0.0);
        n.put("embd_pdrop", 0.0);
        n.put("resid_pdrop", 0.0);
        n.put("initializer_range", 0.02);
        return n;
    }
}
