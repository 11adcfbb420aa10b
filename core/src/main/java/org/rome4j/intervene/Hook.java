package org.rome4j.intervene;

import ai.djl.ndarray.NDArray;

/**
 * A function applied to the activation at a site during one forward pass. It returns the activation
 * the model continues with: the same array to only read it, or a new one to patch it. Use NDArray
 * operations (not in-place writes) so that gradients flow through.
 */
@FunctionalInterface
public interface Hook {
    /**
     * @param ctx        the run: its scope manager, site and batch
     * @param activation the activation at the site, shape as documented in {@link Site}
     * @return the activation to continue with
     */
    NDArray apply(HookContext ctx, NDArray activation);
}
