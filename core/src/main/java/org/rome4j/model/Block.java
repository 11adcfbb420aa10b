package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import org.rome4j.intervene.Site;

import java.util.ArrayList;
import java.util.List;

/**
 * One transformer block ({@link ResidualBlock}, sequential or parallel): it reads its weights from
 * the model's parameter map and routes its activations through {@link Pass#visit} with the shared
 * site names.
 */
public interface Block {
    /** The block's layer index. */
    int layer();

    /** Maps the residual stream [B, T, D] entering the block to the stream leaving it. */
    NDArray forward(NDArray x, Pass pass);

    /** HF names and shapes of the block's parameters. */
    List<ParamSpec> parameters();

    /** The sites the block passes, in forward order. */
    List<Site> sites();

    /** Every per-layer site, without {@code ln2.out} when the block has no second norm. */
    static List<Site> sitesOf(int layer, boolean secondNorm) {
        List<Site> out = new ArrayList<>();
        for (Site.Point k : Site.Point.values()) {
            if (k.perLayer() && (secondNorm || k != Site.Point.LN2_OUT)) out.add(Site.of(k, layer));
        }
        return out;
    }
}
