package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Rotary self-attention with {@code nn.Linear} projections (weights [out, in]): separate q/k/v
 * projections (GPT-J, Llama family, with grouped kv heads) or NeoX's fused projection laid out
 * per head as {@code [q|k|v]}.
 */
final class LinearAttention implements SubLayer {
    private final GptConfig cfg;
    private final int layer;
    private final String fused;
    private final String q;
    private final String k;
    private final String v;
    private final String o;
    private final boolean qkvBias;
    private final boolean oBias;
    private final Rope rope;
    private final UnaryOperator<NDArray> scale;

    private LinearAttention(GptConfig cfg, int layer, String fused, String q, String k, String v, String o, boolean qkvBias,
                            boolean oBias, Rope rope, UnaryOperator<NDArray> scale) {
        this.cfg = cfg;
        this.layer = layer;
        this.fused = fused;
        this.q = q;
        this.k = k;
        this.v = v;
        this.o = o;
        this.qkvBias = qkvBias;
        this.oBias = oBias;
        this.rope = rope;
        this.scale = scale;
    }

    /** Separate projections {@code prefix + q|k|v|o}: GPT-J divides scores by sqrt(hd), the others multiply by hd^-0.5. */
    static LinearAttention separate(GptConfig cfg, int layer, String prefix, String[] names, boolean qkvBias, boolean oBias,
                                    boolean divide) {
        return new LinearAttention(cfg, layer, null, prefix + names[0], prefix + names[1], prefix + names[2],
                prefix + names[3], qkvBias, oBias, cfg.rope(), scaling(cfg, divide));
    }

    /** NeoX: one projection of width 3·D, head h reading columns {@code [h·3hd, (h+1)·3hd)} as q, k, v. */
    static LinearAttention fusedPerHead(GptConfig cfg, int layer, String qkv, String o, boolean bias) {
        return new LinearAttention(cfg, layer, qkv, null, null, null, o, bias, bias, cfg.rope(), scaling(cfg, false));
    }

    private static UnaryOperator<NDArray> scaling(GptConfig cfg, boolean divide) {
        int hd = cfg.headDim();
        if (divide) {
            return s -> s.div(Layers.scalar(s, (float) Math.sqrt(hd)));
        }
        float f = (float) Math.pow(hd, -0.5);
        return s -> s.mul(Layers.scalar(s, f));
    }

    @Override
    public NDArray forward(NDArray x, Pass pass, Parameters p) {
        long b = pass.rows;
        long t = pass.tokens;
        int h = cfg.nHead();
        int kvh = cfg.nKvHead();
        int hd = cfg.headDim();
        NDArray qh;
        NDArray kh;
        NDArray vh;
        if (fused != null) {
            NDArray qkv = Attend.heads(proj(x, p, fused, qkvBias), b, t, h, 3L * hd);          // [B, H, T, 3hd]
            qh = qkv.get(new NDIndex("..., 0:" + hd));
            kh = qkv.get(new NDIndex("..., " + hd + ":" + 2 * hd));
            vh = qkv.get(new NDIndex("..., " + 2 * hd + ":"));
        } else {
            qh = Attend.heads(proj(x, p, q, qkvBias), b, t, h, hd);
            kh = Attend.heads(proj(x, p, k, qkvBias), b, t, kvh, hd);
            vh = Attend.heads(proj(x, p, v, qkvBias), b, t, kvh, hd);
        }
        NDArray[] cosSin = pass.rotary(rope);
        qh = Rotary.apply(qh, cosSin, rope);
        kh = Rotary.apply(kh, cosSin, rope);
        return proj(Attend.run(pass, layer, qh, kh, vh, scale), p, o, oBias);
    }

    private static NDArray proj(NDArray x, Parameters p, String name, boolean bias) {
        NDManager s = x.getManager();
        return Layers.linear(x, p.f32(name + ".weight", s), bias ? p.f32(name + ".bias", s) : null);
    }

    @Override
    public List<ParamSpec> parameters() {
        long d = cfg.nEmbd();
        long qw = (long) cfg.nHead() * cfg.headDim();
        long kvw = (long) cfg.nKvHead() * cfg.headDim();
        List<ParamSpec> out = new ArrayList<>();
        if (fused != null) {
            add(out, fused, 3 * qw, d, qkvBias);
        } else {
            add(out, q, qw, d, qkvBias);
            add(out, k, kvw, d, qkvBias);
            add(out, v, kvw, d, qkvBias);
        }
        add(out, o, d, qw, oBias);
        return out;
    }

    static void add(List<ParamSpec> out, String name, long rows, long cols, boolean bias) {
        out.add(new ParamSpec(name + ".weight", rows, cols));
        if (bias) out.add(new ParamSpec(name + ".bias", rows));
    }
}
