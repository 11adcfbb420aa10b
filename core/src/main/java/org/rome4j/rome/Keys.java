package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
import org.rome4j.model.TextTokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The key side of ROME ({@code compute_u.py}): k*, the mean MLP key at the fact token over the context
 * templates, and u = C⁻¹k* / ‖C⁻¹k*‖, with C⁻¹ computed once per layer from the key statistics and cached.
 */
final class Keys {
    private final Gpt gpt;
    private final RomeHparams hp;
    private final Map<Integer, float[]> inverses;
    private final IntFunction<KeyStats> statsSource;

    /**
     * The key at one layer.
     *
     * @param u           left vector [F], unit norm
     * @param kMean       k* [F]
     * @param keys        the key of each template [templates][F]
     * @param keyIndices  the fact token in each template
     * @param meanOutput  the mean MLP output at those tokens [D] (r-ROME's current output)
     */
    record Key(float[] u, float[] kMean, float[][] keys, int[] keyIndices, float[] meanOutput) { }

    Keys(Gpt gpt, RomeHparams hp, Map<Integer, float[]> inverses, IntFunction<KeyStats> statsSource) {
        this.gpt = gpt;
        this.hp = hp;
        this.inverses = new HashMap<>(inverses);
        this.statsSource = statsSource;
    }

    /** Makes later keys at {@code layer} use these statistics (their C⁻¹ replaces any cached one). */
    void useStats(int layer, KeyStats s) {
        inverses.put(layer, s.checkWidth(gpt, null).inverse());
    }

    /** C⁻¹ of a layer, cached. */
    float[] inverse(int layer) {
        return inverses.computeIfAbsent(layer, l -> statsSource.apply(l).checkWidth(gpt, null).inverse());
    }

    /** k* and u at a layer: the mean key at the fact token over "{template}.format(prompt)". */
    Key at(Request request, int layer, List<String> ctx) {
        TextTokenizer tok = gpt.tokenizer();
        List<String> templates = new ArrayList<>();
        for (String c : ctx) templates.add(Request.fill(c, request.prompt()));
        int[] keyIdx = new int[templates.size()];
        List<long[]> seqs = new ArrayList<>();
        for (int i = 0; i < keyIdx.length; i++) {
            keyIdx[i] = hp.factToken().index(tok, templates.get(i), request.subject());
            seqs.add(tok.ids(Request.fill(templates.get(i), request.subject())));
            checkIndex(keyIdx[i], seqs.get(i), templates.get(i));
        }
        Site in = Site.mlpIn(layer);
        Site out = Site.mlpOut(layer);
        try (NDManager scope = gpt.newScope()) {
            Batch b = Batch.right(seqs, tok.padId());
            var o = gpt.forward(scope, b, Interventions.builder().record(in, out).stopAfter(out).build());
            NDArray k = pick(scope, o.get(in), b.tokens(), keyIdx);            // [N, F]
            NDArray vo = pick(scope, o.get(out), b.tokens(), keyIdx);          // [N, D]
            return of(scope, k, vo, keyIdx, layer);
        }
    }

    /**
     * k* and u from the keys and outputs at the fact token of each template, computed elsewhere (the cached v*
     * schedule runs those tokens anyway; a key at the fact token does not depend on the tokens after it).
     */
    Key of(ValueSearch.FactRows rows, int layer) {
        try (NDManager scope = gpt.newScope()) {
            return of(scope, scope.create(rows.keys()), scope.create(rows.outputs()), rows.index(), layer);
        }
    }

    private Key of(NDManager scope, NDArray k, NDArray vo, int[] keyIdx, int layer) {
        int f = gpt.config().nInner();
        NDArray km = k.mean(new int[] {0});                                      // [F]
        NDArray uu = km;
        if (hp.mom2Adjustment()) {
            NDArray cInv = scope.create(inverse(layer), new Shape(f, f));
            uu = cInv.matMul(km.reshape(f, 1)).reshape(f);
        }
        return new Key(uu.div(uu.norm()).toFloatArray(), km.toFloatArray(), rows(k, keyIdx.length, f), keyIdx,
                vo.mean(new int[] {0}).toFloatArray());
    }

    /** The key and MLP output of the unprefixed prompt at the fact token: {key [F], output [D]}. */
    KeyAndOutput ofPrompt(Request request, int layer) {
        TextTokenizer tok = gpt.tokenizer();
        String p = request.prompt();
        int idx = hp.factToken().index(tok, p, request.subject());
        long[] ids = tok.ids(request.text());
        checkIndex(idx, ids, p);
        Site in = Site.mlpIn(layer);
        Site out = Site.mlpOut(layer);
        try (NDManager scope = gpt.newScope()) {
            var o = gpt.forward(scope, Batch.of(ids), Interventions.builder().record(in, out).stopAfter(out).build());
            return new KeyAndOutput(o.get(in).get(new NDIndex("0, {}", idx)).toFloatArray(),
                    o.get(out).get(new NDIndex("0, {}", idx)).toFloatArray());
        }
    }

    /** An MLP key [F] and the MLP's output [D] at one token. */
    record KeyAndOutput(float[] key, float[] output) { }

    static void checkIndex(int idx, long[] ids, String template) {
        if (idx < 0 || idx >= ids.length) {
            throw new IllegalArgumentException("subject token index " + idx + " is outside \"" + template + "\" (" + ids.length
                    + " tokens): put the subject inside the prompt with a space before it");
        }
    }

    private static NDArray pick(NDManager scope, NDArray x, int t, int[] idx) {
        long w = x.getShape().get(2);
        long[] flat = new long[idx.length];
        for (int r = 0; r < idx.length; r++) flat[r] = (long) r * t + idx[r];
        return x.reshape(x.getShape().get(0) * t, w).get(new NDIndex("{}", scope.create(flat)));
    }

    private static float[][] rows(NDArray a, int n, int w) {
        float[] flat = a.toFloatArray();
        float[][] out = new float[n][w];
        for (int i = 0; i < n; i++) System.arraycopy(flat, i * w, out[i], 0, w);
        return out;
    }
}
