/**
 * GPT-style models on DJL's PyTorch engine: HF checkpoint loading ({@link org.rome4j.model.Gpt#load},
 * memory-mapped safetensors), the tokenizer with character offsets, batches, the forward pass with
 * named sites, KV-cache generation, and model resolution ({@link org.rome4j.model.Models}: the embedded
 * {@code tiny-facts}, directories, the HF cache). One class per concept: {@code Gpt} (embeddings, blocks,
 * final norm, head, for every family), {@link org.rome4j.model.Architecture} (one per family: gpt2, gptj,
 * gpt_neox, the Llama family), {@code ResidualBlock} (sequential or parallel residual lines),
 * {@code Attention} and {@code Mlp} (GPT-2's Conv1D layers), {@code LinearAttention} and {@code LinearMlp}
 * (nn.Linear layers, rotary, grouped kv heads, SwiGLU), {@code Attend} (the shared kernel), {@code Rope},
 * {@code Norm}.
 */
package org.rome4j.model;
