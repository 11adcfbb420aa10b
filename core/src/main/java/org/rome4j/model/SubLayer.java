package org.rome4j.model;

import ai.djl.ndarray.NDArray;

import java.util.List;

/** An attention or MLP sub-layer of a block: normalised stream in [B, T, D], its contribution out [B, T, D]. */
interface SubLayer {
    /** The sub-layer's output for a normalised input. */
    NDArray forward(NDArray x, Pass pass, Parameters p);

    /** HF names and shapes of its weights. */
    List<ParamSpec> parameters();
}
