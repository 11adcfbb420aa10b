package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import org.rome4j.intervene.Site;

import java.util.ArrayList;
import java.util.List;

/** A pre-norm block with two residual adds: {@code x + attn(norm1(x))}, then {@code + mlp(norm2(x))} (GPT-2, Llama, NeoX without parallel residual). */
final class SequentialBlock implements Block {
    private final int layer;
    private final Parameters params;
    private final Norm norm1;
    private final SubLayer attn;
    private final Norm norm2;
    private final SubLayer mlp;

    SequentialBlock(int layer, Parameters params, Norm norm1, SubLayer attn, Norm norm2, SubLayer mlp) {
        this.layer = layer;
        this.params = params;
        this.norm1 = norm1;
        this.attn = attn;
        this.norm2 = norm2;
        this.mlp = mlp;
    }

    @Override
    public int layer() {
        return layer;
    }

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        x = pass.visit(Site.layerIn(layer), x);
        NDArray a = pass.visit(Site.ln1Out(layer), norm1.apply(x, params));
        x = x.add(pass.visit(Site.attnOut(layer), attn.forward(a, pass, params)));
        NDArray m = pass.visit(Site.ln2Out(layer), norm2.apply(x, params));
        x = x.add(pass.visit(Site.mlpOut(layer), mlp.forward(m, pass, params)));
        return pass.visit(Site.layerOut(layer), x);
    }

    @Override
    public List<ParamSpec> parameters() {
        List<ParamSpec> out = new ArrayList<>(norm1.parameters());
        out.addAll(attn.parameters());
        out.addAll(norm2.parameters());
        out.addAll(mlp.parameters());
        return out;
    }

    @Override
    public List<Site> sites() {
        return Block.sitesOf(layer, true);
    }
}
