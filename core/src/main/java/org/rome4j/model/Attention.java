package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.JniUtils;

import java.util.List;

/** GPT-2 multi-head causal self-attention: fused Conv1D qkv projection, scaled scores, masked softmax, output projection. */
final class Attention implements SubLayer {
    private final GptConfig cfg;
    private final int layer;
    private final String wQkv;
    private final String bQkv;
    private final String wOut;
    private final String bOut;

    Attention(GptConfig cfg, int layer, String prefix) {
        this.cfg = cfg;
        this.layer = layer;
        this.wQkv = prefix + "c_attn.weight";
        this.bQkv = prefix + "c_attn.bias";
        this.wOut = prefix + "c_proj.weight";
        this.bOut = prefix + "c_proj.bias";
    }

    @Override
    public NDArray forward(NDArray x, Pass pass, Parameters p) {
        long b = pass.rows;
        long t = pass.tokens;
        int h = cfg.nHead();
        int hd = cfg.headDim();
        NDList qkv = Layers.conv1d(x, p.f32(wQkv, pass.scope), p.f32(bQkv, pass.scope)).split(3, 2);
        NDArray q = Attend.heads(qkv.get(0), b, t, h, hd);
        NDArray k = Attend.heads(qkv.get(1), b, t, h, hd);
        NDArray v = Attend.heads(qkv.get(2), b, t, h, hd);
        // outside autograd the fresh scores are scaled in place (same bits, one [B, H, T, T] array fewer)
        boolean inPlace = !JniUtils.isGradMode();
        NDArray merged = Attend.run(pass, layer, q, k, v, scores -> {
            if (cfg.scaleAttnWeights()) {
                NDArray by = Layers.scalar(scores, (float) Math.sqrt(hd));
                scores = inPlace ? scores.divi(by) : scores.div(by);
            }
            if (cfg.scaleAttnByInverseLayerIdx()) {
                NDArray by = Layers.scalar(scores, (float) (layer + 1));
                scores = inPlace ? scores.divi(by) : scores.div(by);
            }
            return scores;
        });
        return Layers.conv1d(merged, p.f32(wOut, pass.scope), p.f32(bOut, pass.scope));
    }

    @Override
    public List<ParamSpec> parameters() {
        long d = cfg.nEmbd();
        return List.of(new ParamSpec(wQkv, d, 3 * d), new ParamSpec(bQkv, 3 * d), new ParamSpec(wOut, d, d),
                new ParamSpec(bOut, d));
    }
}
