package org.rome4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The hyper-parameters of a decoder-only transformer of any supported family, read from a
 * HuggingFace {@code config.json} by the family's {@link Architecture}.
 *
 * @param modelType         HF {@code model_type} ("gpt2", "gptj", "gpt_neox", "llama", "mistral", "qwen2")
 * @param nLayer            number of blocks
 * @param nEmbd             residual stream width D
 * @param nHead             query heads
 * @param nKvHead           key/value heads (= nHead without grouped-query attention)
 * @param headDim           width of one head (D / nHead unless the config says {@code head_dim})
 * @param nInner            MLP hidden width F
 * @param nPositions        context length
 * @param vocabSize         vocabulary size V
 * @param layerNormEps      LayerNorm or RMSNorm epsilon
 * @param activation        MLP activation by its HF name ("gelu_new", "gelu", "relu", "silu")
 * @param tieWordEmbeddings whether the LM head is the token embedding matrix
 * @param scaleAttnWeights  divide attention scores by sqrt(head width)
 * @param scaleAttnByInverseLayerIdx also divide layer i's scores by (i + 1) (GPT-2 only)
 * @param rope              rotary position embedding, or null for learned positions (GPT-2)
 * @param parallelResidual  attention and MLP read the same block input (GPT-J, NeoX)
 * @param attentionBias     q/k/v (and, for NeoX, output) projections have biases
 * @param mlpBias           MLP projections have biases
 * @param slidingWindow     attention window in tokens (Mistral), 0 for none
 */
public record GptConfig(String modelType, int nLayer, int nEmbd, int nHead, int nKvHead, int headDim, int nInner,
                        int nPositions, int vocabSize, double layerNormEps, String activation, boolean tieWordEmbeddings,
                        boolean scaleAttnWeights, boolean scaleAttnByInverseLayerIdx, Rope rope, boolean parallelResidual,
                        boolean attentionBias, boolean mlpBias, int slidingWindow) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates the numbers. */
    public GptConfig {
        if (nLayer < 1 || nEmbd < 1 || nHead < 1 || headDim < 1 || nKvHead < 1 || nHead % nKvHead != 0 || nPositions < 1
                || vocabSize < 1 || nInner < 1) {
            throw new IllegalArgumentException("invalid " + modelType + " config: layers=" + nLayer + " width=" + nEmbd
                    + " heads=" + nHead + " kv heads=" + nKvHead + " (heads must be a multiple of kv heads) head width="
                    + headDim + " mlp width=" + nInner + " positions=" + nPositions + " vocab_size=" + vocabSize);
        }
    }

    /** A GPT-2 config of the classic shape (the 12 original fields). */
    public GptConfig(String modelType, int nLayer, int nEmbd, int nHead, int nInner, int nPositions, int vocabSize,
                     double layerNormEps, String activation, boolean tieWordEmbeddings, boolean scaleAttnWeights,
                     boolean scaleAttnByInverseLayerIdx) {
        this(modelType, nLayer, nEmbd, nHead, nHead, checkedHeadDim(nEmbd, nHead), nInner, nPositions, vocabSize,
                layerNormEps, activation, tieWordEmbeddings, scaleAttnWeights, scaleAttnByInverseLayerIdx, null, false,
                true, true, 0);
    }

    private static int checkedHeadDim(int d, int h) {
        if (h < 1 || d % h != 0) {
            throw new IllegalArgumentException("invalid GPT config: n_embd=" + d + " n_head=" + h
                    + " (n_embd must be a multiple of n_head)");
        }
        return d / h;
    }

    /** A GPT-2 config with the usual defaults (MLP width 4·D, gelu_new, tied head). */
    public static GptConfig gpt2(int nLayer, int nEmbd, int nHead, int nPositions, int vocabSize) {
        return new GptConfig("gpt2", nLayer, nEmbd, nHead, 4 * nEmbd, nPositions, vocabSize, 1e-5,
                "gelu_new", true, true, false);
    }

    /** The family that computes this config. */
    public Architecture architecture() {
        return Architectures.of(modelType);
    }

    /**
     * Reads a {@code config.json} of any supported family (transformers 4 or 5 layout).
     *
     * @throws IllegalArgumentException if {@code model_type} is missing or unsupported, or a feature is
     */
    public static GptConfig fromJson(JsonNode n) {
        String type = n.path("model_type").asText("");
        if (type.isEmpty()) {
            throw new IllegalArgumentException("config.json has no model_type: expected one of "
                    + String.join(", ", Architectures.supported()));
        }
        return Architectures.of(type).readConfig(n);
    }

    /** This config as an HF {@code config.json} tree (GPT-2 only; other families keep their original file). */
    public ObjectNode toJson() {
        if (!modelType.equals("gpt2")) {
            throw new IllegalStateException("only gpt2 configs are written from fields; " + modelType
                    + " models keep the config.json they were loaded with");
        }
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
