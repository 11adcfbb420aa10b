package org.rome4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.rome4j.intervene.Site;

import java.util.function.UnaryOperator;

/** The attention kernel every family shares, with its q, k, v and pattern sites and the KV cache. */
final class Attend {
    private Attend() { }

    /**
     * Scores {@code scale(q·kᵀ)}, additive mask, softmax over keys, weighted values, heads merged.
     * Grouped-query heads are cached once and repeated only for the product (query head h reads kv
     * head {@code h / (H / KVH)}, as HF's {@code repeat_kv}).
     *
     * @param q [B, H, T, hd] after rotary
     * @param k [B, KVH, T, hd] after rotary
     * @param v [B, KVH, T, hd]
     * @return [B, T, H·hd]
     */
    static NDArray run(Pass pass, int layer, NDArray q, NDArray k, NDArray v, UnaryOperator<NDArray> scale) {
        q = pass.visit(Site.attnQ(layer), q);
        k = pass.visit(Site.attnK(layer), k);
        v = pass.visit(Site.attnV(layer), v);
        if (pass.cache != null) {
            NDArray[] kv = pass.cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
            pass.keepCache(layer, k, v);
        }
        Shape qs = q.getShape();
        long h = qs.get(1);
        long rep = h / k.getShape().get(1);
        if (rep > 1) {
            k = repeat(k, rep);
            v = repeat(v, rep);
        }
        NDArray scores = scale.apply(q.matMul(k.transpose(0, 1, 3, 2)));
        boolean inPlace = !JniUtils.isGradMode();   // fresh scores take the mask in place: one [B, H, T, T] array fewer, same bits
        if (inPlace) scores.addi(pass.attnMask);
        else scores = scores.add(pass.attnMask);
        NDArray probs = pass.visit(Site.attnPattern(layer), scores.softmax(-1));
        if (inPlace) scores.close();
        return probs.matMul(v).transpose(0, 2, 1, 3).reshape(qs.get(0), qs.get(2), h * qs.get(3));
    }

    /** [B, KVH, T, hd] to [B, KVH·rep, T, hd], each kv head repeated rep times in a row. */
    private static NDArray repeat(NDArray x, long rep) {
        Shape s = x.getShape();
        return x.expandDims(2).broadcast(new Shape(s.get(0), s.get(1), rep, s.get(2), s.get(3)))
                .reshape(s.get(0), s.get(1) * rep, s.get(2), s.get(3));
    }

    /** [B, T, H·hd] to [B, H, T, hd]. */
    static NDArray heads(NDArray x, long b, long t, long h, long hd) {
        return x.reshape(b, t, h, hd).transpose(0, 2, 1, 3);
    }
}
