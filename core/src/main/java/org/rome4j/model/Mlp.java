package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import org.rome4j.intervene.Site;

import java.util.List;

/** GPT-2 MLP: Conv1D expand, activate, Conv1D project back. Its output projection is ROME's key-value memory. */
final class Mlp implements SubLayer {
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

    @Override
    public NDArray forward(NDArray x, Pass pass, Parameters p) {
        NDArray hidden = pass.visit(pre, Layers.conv1d(x, p.f32(wFc, pass.scope), p.f32(bFc, pass.scope)));
        NDArray key = pass.visit(in, Layers.activation(cfg.activation(), hidden));
        return Layers.conv1d(key, p.f32(wProj, pass.scope), p.f32(bProj, pass.scope));
    }

    @Override
    public List<ParamSpec> parameters() {
        long d = cfg.nEmbd();
        long f = cfg.nInner();
        return List.of(new ParamSpec(wFc, d, f), new ParamSpec(bFc, f), new ParamSpec(wProj, f, d), new ParamSpec(bProj, d));
    }
}
