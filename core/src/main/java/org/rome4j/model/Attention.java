package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** GPT-2 multi-head causal self-attention: fused qkv projection, scaled scores, masked softmax, output projection. */
final class Attention {
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

    NDArray forward(NDArray x, Pass pass, Parameters p) {
        long b = pass.rows;
        long t = pass.tokens;
        int h = cfg.nHead();
        int hd = cfg.headDim();
        NDList qkv = Layers.conv1d(x, p.get(wQkv), p.get(bQkv)).split(3, 2);
        NDArray q = heads(qkv.get(0), b, t, h, hd);
        NDArray k = heads(qkv.get(1), b, t, h, hd);
        NDArray v = heads(qkv.get(2), b, t, h, hd);
        if (pass.cache != null) {
            NDArray[] kv = pass.cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
            pass.keepCache(layer, k, v);
        }
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        if (cfg.scaleAttnWeights()) {
            scores = scores.div(Layers.scalar(scores, (float) Math.sqrt(hd)));
        }
        if (cfg.scaleAttnByInverseLayerIdx()) {
            scores = scores.div(Layers.scalar(scores, (float) (layer + 1)));
        }
        NDArray probs = scores.add(pass.attnMask).softmax(-1);
        NDArray merged = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, cfg.nEmbd());
        return Layers.conv1d(merged, p.get(wOut), p.get(bOut));
    }

    private static NDArray heads(NDArray x, long b, long t, int h, int hd) {
        return x.reshape(b, t, h, hd).transpose(0, 2, 1, 3);
    }
}
