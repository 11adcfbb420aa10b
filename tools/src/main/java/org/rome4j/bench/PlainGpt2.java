package org.rome4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import org.rome4j.model.GptConfig;
import org.rome4j.model.Parameters;

/**
 * The GPT-2 forward written straight through, with no sites and no intervention checks: the baseline
 * the hook-overhead benchmark compares {@link org.rome4j.model.Gpt#forward} against. Batch of one,
 * no padding.
 */
final class PlainGpt2 {
    private final GptConfig cfg;
    private final Parameters p;

    PlainGpt2(GptConfig cfg, Parameters p) {
        this.cfg = cfg;
        this.p = p;
    }

    NDArray forward(NDManager scope, long[] ids) {
        int t = ids.length;
        int d = cfg.nEmbd();
        int h = cfg.nHead();
        int hd = d / h;
        NDArray idArr = scope.create(ids, new Shape(1, t));
        long[] pos = new long[t];
        for (int i = 0; i < t; i++) pos[i] = i;
        float[] maskData = new float[t * t];
        for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) maskData[i * t + j] = -Float.MAX_VALUE;
        NDArray mask = scope.create(maskData, new Shape(1, 1, t, t));
        NDArray x = Embedding.embedding(idArr, w("transformer.wte.weight"), SparseFormat.DENSE).singletonOrThrow()
                .add(Embedding.embedding(scope.create(pos, new Shape(1, t)), w("transformer.wpe.weight"), SparseFormat.DENSE)
                        .singletonOrThrow());
        for (int l = 0; l < cfg.nLayer(); l++) {
            String b = "transformer.h." + l + ".";
            NDArray a = ln(x, b + "ln_1");
            NDList qkv = a.matMul(w(b + "attn.c_attn.weight")).add(w(b + "attn.c_attn.bias")).split(3, 2);
            NDArray q = qkv.get(0).reshape(1, t, h, hd).transpose(0, 2, 1, 3);
            NDArray k = qkv.get(1).reshape(1, t, h, hd).transpose(0, 2, 1, 3);
            NDArray v = qkv.get(2).reshape(1, t, h, hd).transpose(0, 2, 1, 3);
            NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(hd)).add(mask).softmax(-1);
            NDArray o = att.matMul(v).transpose(0, 2, 1, 3).reshape(1, t, d);
            x = x.add(o.matMul(w(b + "attn.c_proj.weight")).add(w(b + "attn.c_proj.bias")));
            NDArray m = ln(x, b + "ln_2").matMul(w(b + "mlp.c_fc.weight")).add(w(b + "mlp.c_fc.bias"));
            NDArray g = m.mul(0.5f).mul(m.add(m.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2 / Math.PI)).tanh().add(1f));
            x = x.add(g.matMul(w(b + "mlp.c_proj.weight")).add(w(b + "mlp.c_proj.bias")));
        }
        NDArray hN = ln(x, "transformer.ln_f");
        return Linear.linear(hN, w("transformer.wte.weight")).singletonOrThrow();
    }

    private NDArray w(String name) {
        return p.get(name);
    }

    private NDArray ln(NDArray x, String name) {
        return LayerNorm.layerNorm(x, new Shape(cfg.nEmbd()), w(name + ".weight"), w(name + ".bias"),
                (float) cfg.layerNormEps()).singletonOrThrow();
    }
}
