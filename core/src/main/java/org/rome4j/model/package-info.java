/**
 * GPT-style models on DJL's PyTorch engine: HF checkpoint loading ({@link org.rome4j.model.Gpt#load},
 * memory-mapped safetensors), the tokenizer with character offsets, batches, the forward pass with
 * named sites, KV-cache generation, and model resolution ({@link org.rome4j.model.Models}: the embedded
 * {@code tiny-facts}, directories, the HF cache). One class per concept: {@code Gpt} (embeddings, blocks,
 * final norm, head), {@code Gpt2Block} (two residual lines), {@code Attention}, {@code Mlp}.
 */
package org.rome4j.model;
