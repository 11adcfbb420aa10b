package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.rome4j.model.Gpt;

import java.util.List;
import java.util.function.IntFunction;

/**
 * MEMIT (Meng et al., ICLR 2023; kmeng01/memit at 80426fd, {@code memit_main.py}): a batch of facts spread over
 * several layers. Per layer, {@code ΔW = solve(λ·C + K·Kᵀ, K) · residᵀ} in float64, with C the layer's key
 * second moment and resid the remaining error divided by the layers left (see {@link MassEdit}).
 *
 * <pre>{@code
 * try (Memit memit = new Memit(gpt, MemitHparams.memitPreset("gpt2-xl"), ContextTemplates.memit(gpt, 0), statsCache)) {
 *     EditStack stack = new EditStack(gpt);
 *     stack.apply(memit, requests);
 *     stack.undo();
 * }
 * }</pre>
 */
public final class Memit extends MassEdit {
    /**
     * @param templates    context templates by group (MEMIT's {@code [["{}"], [five texts]]})
     * @param statsSource  the key statistics of a layer (of the unedited model)
     */
    public Memit(Gpt gpt, MemitHparams hp, List<List<String>> templates, IntFunction<KeyStats> statsSource) {
        this(gpt, hp, templates, statsSource, false);
    }

    /** As above; {@code naive}: the original's v* schedule (benchmarks). */
    public Memit(Gpt gpt, MemitHparams hp, List<List<String>> templates, IntFunction<KeyStats> statsSource, boolean naive) {
        super(gpt, hp, templates, statsSource, naive);
    }

    @Override
    public String method() {
        return "memit";
    }

    @Override
    double residual(float target, int layersLeft) {
        return (double) target / layersLeft;          // float64(targets) / (len(layers) − i)
    }

    @Override
    NDArray solve(NDManager scope, int i, int layer, NDArray keys, NDArray resid) {
        NDArray a = covariance(layer).mul(scalar(scope, hp.mom2UpdateWeight())).add(outer(keys));
        NDArray adj = solveChecked(scope, a, keys, layer);            // [F, n]
        return adj.matMul(resid);                                    // adj_k · residᵀ, [F, D]
    }
}
