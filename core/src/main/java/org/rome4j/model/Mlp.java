package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import org.rome4j.intervene.Site;

/** GPT-2 MLP: expand, activate, project back. Its output projection is ROME's key-value memory. */
final class Mlp {
    private final GptConfig cfg;
    private final Site pre;
    private final Site in;
    private final String wFc;
    private final String bFc;
    private final String wProj;
    private final String bProj;

    Mlp(GptConfig cfg, int layer, String prefix) {
        this.cfg = cfg;
        this.pre = Site.mlpPre(layer);
        this.in = Site.mlpIn(layer);
        this.wFc = prefix + "c_fc.weight";
        this.bFc = prefix + "c_fc.bias";
        this.wProj = prefix + "c_proj.weight";
        this.bProj = prefix + "c_proj.bias";
    }

    NDArray forward(NDArray x, Pass pass, Parameters p) {
        NDArray hidden = pass.visit(pre, Layers.conv1d(x, p.get(wFc), p.get(bFc)));
        NDArray key = pass.visit(in, Layers.activation(cfg.activation(), hidden));
        return Layers.conv1d(key, p.get(wProj), p.get(bProj));
    }
}
