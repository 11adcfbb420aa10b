package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rome4j.model.Gpt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * AlphaEdit (Fang et al., ICLR 2025; jianghoucheng/AlphaEdit at f5248d3, {@code AlphaEdit_main.py}): MEMIT's
 * batch and layer loop with the update solved in the null space of the preserved keys,
 * {@code ΔW = solve(P·(K·Kᵀ + cache) + L2·I, P·K·residᵀ)}, where P projects onto the eigenvectors of C whose
 * eigenvalue is under the threshold and cache sums K′·K′ᵀ of every earlier batch (K′: the keys after the
 * batch's edit), carried from batch to batch as the original does.
 *
 * <p>The cache goes back with undo: it is recomputed, in the same order, from the keys of the batches still
 * applied, so it equals the one before the undone batch bit for bit (no copy per batch is held).
 */
public final class AlphaEdit extends MassEdit {
    private final Map<Integer, Projector.Result> projectors = new HashMap<>();
    /** K′ of each applied batch, per layer index [F, n] float32, oldest first. */
    private final List<List<float[][]>> cacheKeys = new ArrayList<>();
    private NDArray[] cache;

    /**
     * @param templates    context templates by group
     * @param statsSource  the key statistics of a layer (of the unedited model: P comes from them)
     */
    public AlphaEdit(Gpt gpt, MemitHparams hp, List<List<String>> templates, IntFunction<KeyStats> statsSource) {
        this(gpt, hp, templates, statsSource, false);
    }

    /** As above; {@code naive}: the original's v* schedule (benchmarks). */
    public AlphaEdit(Gpt gpt, MemitHparams hp, List<List<String>> templates, IntFunction<KeyStats> statsSource, boolean naive) {
        super(gpt, hp, templates, statsSource, naive);
    }

    @Override
    public String method() {
        return "alphaedit";
    }

    /** The projector of a layer (computed once, from C of the unedited model) and its null-space size. */
    public Projector.Result projector(int layer) {
        return projectors.computeIfAbsent(layer, l -> {
            NDArray c = covariance(l);
            double t = hp.nullspaceThreshold();
            if (!Double.isNaN(hp.nullspaceRelative())) {
                t = hp.nullspaceRelative() * Projector.largestEigenvalue(c);
            }
            Projector.Result p = Projector.below(c, t, l);
            p.matrix().attach(state);
            return p;
        });
    }

    /** The key cache of layer index {@code i} as [F*F] float32 row-major (zeros before the first batch). */
    public float[] cache(int i) {
        ensureCache();
        return cache[i].toFloatArray();
    }

    /** Batches whose keys the cache holds. */
    public int cachedBatches() {
        return cacheKeys.size();
    }

    private void ensureCache() {
        if (cache != null) return;
        int f = gpt.config().nInner();
        cache = new NDArray[hp.layers().size()];
        for (int i = 0; i < cache.length; i++) cache[i] = state.zeros(new Shape(f, f), DataType.FLOAT32);
    }

    @Override
    double residual(float target, int layersLeft) {
        return target / (float) layersLeft;           // float32, as the original
    }

    @Override
    NDArray solve(NDManager scope, int i, int layer, NDArray keys, NDArray resid) {
        ensureCache();
        return solve(scope, projector(layer).matrix(), cache[i].toType(DataType.FLOAT64, false), keys, resid, hp.l2(), layer);
    }

    /**
     * The original's solve in float64: {@code solve(P·(K·Kᵀ + cache) + L2·I, P·K·residᵀ)}, evaluated in its order;
     * P and cache [F, F], keys K [F, n], resid as [n, D]. Returns [F, D], which lies in the range of P.
     */
    static NDArray solve(NDManager scope, NDArray p, NDArray cache, NDArray keys, NDArray resid, double l2, int layer) {
        int f = (int) keys.getShape().get(0);
        NDArray a = p.matMul(outer(keys).add(cache)).add(scope.eye(f).toType(DataType.FLOAT64, false).mul(scalar(scope, l2)));
        NDArray b = p.matMul(keys).matMul(resid);
        return solveChecked(scope, a, b, layer);
    }

    @Override
    void afterLayers(List<Request> requests) {
        List<float[][]> ks = new ArrayList<>();
        for (int layer : hp.layers()) ks.add(LayerReads.keys(gpt, hp.factToken(), requests, templates(), layer, null));
        ensureCache();
        NDArray[] next = new NDArray[cache.length];
        for (int i = 0; i < cache.length; i++) next[i] = addKeys(cache[i], ks.get(i));
        for (NDArray c : cache) c.close();
        cache = next;
        cacheKeys.add(ks);
    }

    /** cache + K′·K′ᵀ in float32 (K′ given as [n][F]), in {@link #state}. */
    private NDArray addKeys(NDArray c, float[][] k) {
        int n = k.length;
        int f = k[0].length;
        float[] flat = new float[n * f];
        for (int j = 0; j < n; j++) System.arraycopy(k[j], 0, flat, j * f, f);
        try (NDManager s = gpt.newScope()) {
            NDArray kt = s.create(flat, new Shape(n, f));             // K′ᵀ
            NDArray sum = c.add(kt.transpose().matMul(kt));
            sum.attach(state);
            return sum;
        }
    }

    @Override
    public void undone(BatchEdit edit) {
        if (cacheKeys.isEmpty()) return;
        cacheKeys.remove(cacheKeys.size() - 1);
        int f = gpt.config().nInner();
        for (NDArray c : cache) c.close();
        for (int i = 0; i < cache.length; i++) {
            NDArray c = state.zeros(new Shape(f, f), DataType.FLOAT32);
            for (List<float[][]> b : cacheKeys) {
                NDArray nx = addKeys(c, b.get(i));
                c.close();
                c = nx;
            }
            cache[i] = c;
        }
    }
}
