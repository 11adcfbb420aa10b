package org.rome4j.model;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * One transformer block. GPT-2 is {@link Gpt2Block}; GPT-J, GPT-NeoX and Llama blocks are siblings
 * behind this interface: they read their weights from the model's parameter map and route their
 * activations through {@link Pass#visit} with the shared site names.
 */
public interface Block {
    /** The block's layer index. */
    int layer();

    /** Maps the residual stream [B, T, D] entering the block to the stream leaving it. */
    NDArray forward(NDArray x, Pass pass);

    /** HF names and shapes of the block's parameters. */
    List<ParamSpec> parameters();
}
