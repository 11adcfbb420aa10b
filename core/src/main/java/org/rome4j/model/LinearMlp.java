package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.rome4j.intervene.Site;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@code nn.Linear} MLP, {@code down(act(in(x)))} (GPT-J {@code fc_in/fc_out}, NeoX
 * {@code dense_h_to_4h/dense_4h_to_h}), or with a {@code gate} the SwiGLU
 * {@code down(act(gate(x)) * up(x))} of the Llama family. The input of {@code down} is site
 * {@code mlp.in}, ROME's key.
 */
final class LinearMlp implements SubLayer {
    private final GptConfig cfg;
    private final Site pre;
    private final Site in;
    private final String gate;
    private final String up;
    private final String down;
    private final boolean bias;

    /** {@code gate} null: a plain two-layer MLP with {@code up} as its first projection. */
    LinearMlp(GptConfig cfg, int layer, String gate, String up, String down, boolean bias) {
        this.cfg = cfg;
        this.pre = Site.mlpPre(layer);
        this.in = Site.mlpIn(layer);
        this.gate = gate;
        this.up = up;
        this.down = down;
        this.bias = bias;
    }

    @Override
    public NDArray forward(NDArray x, Pass pass, Parameters p) {
        NDArray key;
        if (gate == null) {
            NDArray hidden = pass.visit(pre, proj(x, p, up));
            key = Layers.activation(cfg.activation(), hidden);
        } else {
            NDArray g = pass.visit(pre, proj(x, p, gate));
            key = Layers.activation(cfg.activation(), g).mul(proj(x, p, up));
        }
        return proj(pass.visit(in, key), p, down);
    }

    private NDArray proj(NDArray x, Parameters p, String name) {
        NDManager s = x.getManager();
        return Layers.linear(x, p.f32(name + ".weight", s), bias ? p.f32(name + ".bias", s) : null);
    }

    @Override
    public List<ParamSpec> parameters() {
        long d = cfg.nEmbd();
        long f = cfg.nInner();
        List<ParamSpec> out = new ArrayList<>();
        if (gate != null) LinearAttention.add(out, gate, f, d, bias);
        LinearAttention.add(out, up, f, d, bias);
        LinearAttention.add(out, down, d, f, bias);
        return out;
    }
}
