package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import org.rome4j.intervene.Site;

import java.util.ArrayList;
import java.util.List;

/**
 * A pre-norm block. Sequential (GPT-2, Llama, NeoX without parallel residual):
 * {@code x + attn(norm1(x))}, then {@code + mlp(norm2(x))}. Parallel (GPT-J, NeoX): attention and MLP
 * both read the block input, {@code x + attn(norm1(x)) + mlp(norm2(x))}; GPT-J has one norm feeding both
 * ({@code norm2} null, no {@code ln2.out} site).
 */
final class ResidualBlock implements Block {
    private final int layer;
    private final Parameters params;
    private final boolean parallel;
    private final Norm norm1;
    private final SubLayer attn;
    private final Norm norm2;
    private final SubLayer mlp;

    private ResidualBlock(int layer, Parameters params, boolean parallel, Norm norm1, SubLayer attn, Norm norm2, SubLayer mlp) {
        this.layer = layer;
        this.params = params;
        this.parallel = parallel;
        this.norm1 = norm1;
        this.attn = attn;
        this.norm2 = norm2;
        this.mlp = mlp;
    }

    static ResidualBlock sequential(int layer, Parameters params, Norm norm1, SubLayer attn, Norm norm2, SubLayer mlp) {
        return new ResidualBlock(layer, params, false, norm1, attn, norm2, mlp);
    }

    /** {@code norm2} null: the MLP reads norm1's output too (GPT-J). */
    static ResidualBlock parallel(int layer, Parameters params, Norm norm1, SubLayer attn, Norm norm2, SubLayer mlp) {
        return new ResidualBlock(layer, params, true, norm1, attn, norm2, mlp);
    }

    @Override
    public int layer() {
        return layer;
    }

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        x = pass.visit(Site.layerIn(layer), x);
        NDArray h1 = pass.visit(Site.ln1Out(layer), norm1.apply(x, params));
        NDArray a = pass.visit(Site.attnOut(layer), attn.forward(h1, pass, params));
        if (parallel) {
            NDArray h2 = norm2 == null ? h1 : pass.visit(Site.ln2Out(layer), norm2.apply(x, params));
            NDArray m = pass.visit(Site.mlpOut(layer), mlp.forward(h2, pass, params));
            return pass.visit(Site.layerOut(layer), a.add(m).add(x));      // HF's order; a + m == m + a exactly
        }
        x = x.add(a);
        NDArray h2 = pass.visit(Site.ln2Out(layer), norm2.apply(x, params));
        x = x.add(pass.visit(Site.mlpOut(layer), mlp.forward(h2, pass, params)));
        return pass.visit(Site.layerOut(layer), x);
    }

    @Override
    public List<ParamSpec> parameters() {
        List<ParamSpec> out = new ArrayList<>(norm1.parameters());
        out.addAll(attn.parameters());
        if (norm2 != null) out.addAll(norm2.parameters());
        out.addAll(mlp.parameters());
        return out;
    }

    @Override
    public List<Site> sites() {
        return Block.sitesOf(layer, norm2 != null);
    }
}
