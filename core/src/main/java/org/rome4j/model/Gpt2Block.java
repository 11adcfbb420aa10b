package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import org.rome4j.intervene.Site;

import java.util.List;

/** A GPT-2 block: {@code x + attn(ln1(x))}, then {@code + mlp(ln2(x))}. */
final class Gpt2Block implements Block {
    private final GptConfig cfg;
    private final int layer;
    private final Parameters params;
    private final String prefix;
    private final Attention attn;
    private final Mlp mlp;
    private final Site in;
    private final Site ln1Out;
    private final Site attnOut;
    private final Site ln2Out;
    private final Site mlpOut;
    private final Site out;

    Gpt2Block(GptConfig cfg, int layer, Parameters params) {
        this.cfg = cfg;
        this.layer = layer;
        this.params = params;
        this.prefix = "transformer.h." + layer + ".";
        this.attn = new Attention(cfg, layer, prefix + "attn.");
        this.mlp = new Mlp(cfg, layer, prefix + "mlp.");
        this.in = Site.layerIn(layer);
        this.ln1Out = Site.ln1Out(layer);
        this.attnOut = Site.attnOut(layer);
        this.ln2Out = Site.ln2Out(layer);
        this.mlpOut = Site.mlpOut(layer);
        this.out = Site.layerOut(layer);
    }

    @Override
    public int layer() {
        return layer;
    }

    @Override
    public NDArray forward(NDArray x, Pass pass) {
        x = pass.visit(in, x);
        NDArray a = pass.visit(ln1Out, norm(x, "ln_1"));
        x = x.add(pass.visit(attnOut, attn.forward(a, pass, params)));
        NDArray m = pass.visit(ln2Out, norm(x, "ln_2"));
        x = x.add(pass.visit(mlpOut, mlp.forward(m, pass, params)));
        return pass.visit(out, x);
    }

    private NDArray norm(NDArray x, String name) {
        return Layers.layerNorm(x, params.get(prefix + name + ".weight"), params.get(prefix + name + ".bias"),
                cfg.layerNormEps());
    }

    @Override
    public List<ParamSpec> parameters() {
        long d = cfg.nEmbd();
        long f = cfg.nInner();
        return List.of(
                new ParamSpec(prefix + "ln_1.weight", d), new ParamSpec(prefix + "ln_1.bias", d),
                new ParamSpec(prefix + "attn.c_attn.weight", d, 3 * d), new ParamSpec(prefix + "attn.c_attn.bias", 3 * d),
                new ParamSpec(prefix + "attn.c_proj.weight", d, d), new ParamSpec(prefix + "attn.c_proj.bias", d),
                new ParamSpec(prefix + "ln_2.weight", d), new ParamSpec(prefix + "ln_2.bias", d),
                new ParamSpec(prefix + "mlp.c_fc.weight", d, f), new ParamSpec(prefix + "mlp.c_fc.bias", f),
                new ParamSpec(prefix + "mlp.c_proj.weight", f, d), new ParamSpec(prefix + "mlp.c_proj.bias", d));
    }
}
