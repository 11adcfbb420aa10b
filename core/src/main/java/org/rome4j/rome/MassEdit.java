package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rome4j.model.Gpt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * What MEMIT and AlphaEdit share ({@code memit_main.execute_memit}, {@code AlphaEdit_main.execute_AlphaEdit}):
 * one z per request at the last edited layer by ROME's v* search with δ on the block output, then the
 * layers in ascending order, each reading its keys and the current z on the model whose lower layers already
 * hold this batch's update, and spreading the remaining error {@code (z − cur_z) / (layers left)} over its
 * weight by the method's solve. The solve is all that differs ({@link #solve}).
 */
public abstract sealed class MassEdit implements Editor, AutoCloseable permits Memit, AlphaEdit {
    /** MEMIT's KL prompt is ROME's. */
    protected final Gpt gpt;
    protected final MemitHparams hp;
    private final List<List<String>> groups;
    private final IntFunction<KeyStats> statsSource;
    private final ValueSearch search;
    /** Long-lived arrays (covariances, projectors, caches), freed by {@link #close}. */
    protected final NDManager state;
    private final Map<Integer, NDArray> covariances = new HashMap<>();
    private long readNanos;
    private long solveNanos;
    private boolean keepAll;
    private org.rome4j.progress.ProgressListener listener = (done, total, message) -> { };
    private org.rome4j.progress.CancellationToken cancel = org.rome4j.progress.CancellationToken.NONE;

    /**
     * The intermediates of one batch, for inspection and parity checks.
     *
     * @param searches   the z search of each request
     * @param layers     each edited layer, ascending
     * @param zNanos     time in the z searches
     * @param readNanos  time reading keys and cur_z (and AlphaEdit's cache keys)
     * @param solveNanos time in the solves and the weight writes
     */
    public record Result(List<Search> searches, List<Layer> layers, long zNanos, long readNanos, long solveNanos) {
        /** Z as [n][D]. */
        public float[][] zs() {
            return searches.stream().map(Search::z).toArray(float[][]::new);
        }
    }

    /**
     * One request's z search.
     *
     * @param targetInit the clean block output at the first rewriting prompt's fact token [D]
     * @param z          targetInit + δ [D]
     * @param deltas     δ used in each iteration's forward
     * @param losses     loss of each iteration
     */
    public record Search(float[] targetInit, float[] z, List<float[]> deltas, List<Double> losses) { }

    /**
     * One layer of one batch.
     *
     * @param layer            the layer
     * @param weightName       the HF weight written
     * @param keys             K as [n][F] (the averaged keys)
     * @param keysPerTemplate  every key before averaging, request-major [n·T][F] (empty unless {@link #keepIntermediates})
     * @param curZ             cur_z as [n][D]
     * @param resid            the residual this layer takes, [n][D] (MEMIT float64, AlphaEdit float32 values)
     * @param update           the solve's update [F × D] row-major, float64 (before the cast and the layout; null unless kept)
     * @param delta            float32(update) in the stored weight layout, row-major (null unless kept)
     */
    public record Layer(int layer, String weightName, float[][] keys, List<float[]> keysPerTemplate, float[][] curZ,
                        double[][] resid, double[] update, float[] delta) { }

    MassEdit(Gpt gpt, MemitHparams hp, List<List<String>> templates, IntFunction<KeyStats> statsSource, boolean naive) {
        hp.checkFor(gpt.nLayer(), gpt.name(), this instanceof AlphaEdit);
        for (int l : hp.layers()) {
            String want = gpt.rewritableWeight(l);
            if (!hp.weightName(l).equals(want)) {
                throw new IllegalArgumentException("hparams rewrite_module_tmp \"" + hp.rewriteModuleTmp() + "\" is not the MLP output "
                        + "projection of this " + gpt.config().modelType() + " model (" + want + "): set it or use an untuned preset");
            }
        }
        this.gpt = gpt;
        this.hp = hp;
        this.groups = ContextTemplates.validateGroups(templates);
        this.statsSource = statsSource;
        this.search = new ValueSearch(gpt, hp.valueHparams(), naive);
        this.state = gpt.newScope();
    }

    @Override
    public List<Integer> layers() {
        return hp.layers();
    }

    /**
     * Whether each batch's {@link Layer} keeps the keys of every template, the float64 update and the float32
     * delta (default false: a batch of 1,000 requests on gpt2-xl would hold over a gigabyte of them on the stack).
     */
    public MassEdit keepIntermediates(boolean on) {
        this.keepAll = on;
        return this;
    }

    /** Reports the z searches (one step per request) and the layers. */
    public MassEdit progress(org.rome4j.progress.ProgressListener l) {
        this.listener = l;
        return this;
    }

    /** Checked between z searches and layers: a cancelled batch stops with nothing applied. */
    public MassEdit cancellation(org.rome4j.progress.CancellationToken c) {
        this.cancel = c;
        return this;
    }

    /** The hyper-parameters. */
    public MemitHparams hparams() {
        return hp;
    }

    /** The context templates, by group. */
    public List<List<String>> templates() {
        return groups;
    }

    /**
     * The update [F, D] (float64) for layer {@code i} of the batch from its keys K [F, n] and residual
     * resid [n, D] (both float64 arrays in {@code scope}).
     */
    abstract NDArray solve(NDManager scope, int i, int layer, NDArray keys, NDArray resid);

    /** The residual layer {@code i} takes from the remaining error, in the method's precision. */
    abstract double residual(float target, int layersLeft);

    /** Called after every layer of the batch is written, with the weights edited (AlphaEdit's key cache). */
    void afterLayers(List<Request> requests) { }

    /** C of a layer, float64 [F, F] in {@link #state}, from the statistics' float32 (or float64) moment. */
    NDArray covariance(int layer) {
        return covariances.computeIfAbsent(layer, l -> {
            KeyStats s = statsSource.apply(l).checkWidth(gpt, null);
            return state.create(s.moment(), new Shape(s.width(), s.width()));
        });
    }

    /**
     * Checks the batch: not empty, each request usable on this model, no subject twice.
     *
     * @throws IllegalArgumentException one line naming the fix
     */
    void check(List<Request> requests) {
        checkBatch(gpt, requests);
    }

    /** {@link #check} for any editor. */
    static void checkBatch(Gpt gpt, List<Request> requests) {
        if (requests.isEmpty()) throw new IllegalArgumentException("empty batch: give at least one request");
        Set<String> seen = new HashSet<>();
        for (Request r : requests) {
            Rome.check(gpt, r);
            if (!seen.add(r.subject())) {
                throw new IllegalArgumentException("subject \"" + r.subject() + "\" appears twice in one batch: edit one fact per subject "
                        + "per batch, or put the second in a later batch");
            }
        }
    }

    @Override
    public BatchEdit apply(List<Request> requests) {
        check(requests);
        List<Request> reqs = List.copyOf(requests);
        long t0 = System.nanoTime();
        List<String> flat = new ArrayList<>();
        groups.forEach(flat::addAll);
        int zLayer = hp.zLayer();
        List<Search> searches = new ArrayList<>();
        readNanos = 0;
        solveNanos = 0;
        int total = reqs.size() + hp.layers().size();
        for (Request r : reqs) {
            cancel.check(method() + " batch");
            ValueSearch.Result v = search.run(r, zLayer, flat, ValueSearch.At.BLOCK_OUTPUT);
            searches.add(new Search(v.targetInit(), v.target(), v.deltas(), v.losses()));
            listener.update(searches.size(), total, "z of " + r.text() + " -> " + r.targetNew());
        }
        long zNanos = System.nanoTime() - t0;
        List<Integer> layers = hp.layers();
        Map<String, NDArray> old = new LinkedHashMap<>();
        List<Layer> done = new ArrayList<>();
        try {
            for (int i = 0; i < layers.size(); i++) {
                cancel.check(method() + " batch");
                done.add(layer(reqs, searches, i, layers.get(i), old));
                listener.update(reqs.size() + i + 1, total, "layer " + layers.get(i));
            }
            long t1 = System.nanoTime();
            afterLayers(reqs);
            readNanos += System.nanoTime() - t1;
        } catch (RuntimeException e) {
            EditStack.restore(gpt, old);
            throw e;
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        return new BatchEdit(0, method(), reqs, layers, old, new Result(List.copyOf(searches), List.copyOf(done), zNanos, readNanos,
                solveNanos), millis);
    }

    /** Layer {@code i}: keys and cur_z on the current weights, the solve, and W + float32(update) swapped in. */
    private Layer layer(List<Request> reqs, List<Search> searches, int i, int layer, Map<String, NDArray> old) {
        int n = reqs.size();
        long t0 = System.nanoTime();
        List<float[]> perTemplate = new ArrayList<>();
        float[][] k = LayerReads.keys(gpt, hp.factToken(), reqs, groups, layer, perTemplate);
        float[][] cur = LayerReads.blockOutputs(gpt, hp.factToken(), reqs, hp.zLayer());
        long t1 = System.nanoTime();
        readNanos += t1 - t0;
        int d = cur[0].length;
        int f = k[0].length;
        int left = hp.layers().size() - i;
        double[][] resid = new double[n][d];
        double[] residFlat = new double[n * d];
        double[] kFlat = new double[n * f];
        for (int j = 0; j < n; j++) {
            float[] z = searches.get(j).z();
            for (int c = 0; c < d; c++) {
                resid[j][c] = residual(z[c] - cur[j][c], left);
                residFlat[j * d + c] = resid[j][c];
            }
            for (int c = 0; c < f; c++) kFlat[j * f + c] = k[j][c];
        }
        String name = hp.weightName(layer);
        double[] upd;
        float[] delta;
        try (NDManager scope = gpt.newScope()) {
            NDArray kk = scope.create(kFlat, new Shape(n, f)).transpose();             // [F, n]
            NDArray rr = scope.create(residFlat, new Shape(n, d));                     // [n, D] = residᵀ
            NDArray u = solve(scope, i, layer, kk, rr);                               // [F, D]
            upd = u.toDoubleArray();
            for (double x : upd) {
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException("the solve at layer " + layer + " is singular for this batch (non-finite update): "
                            + "check the statistics of layer " + layer + " and the hparams' λ / L2");
                }
            }
            NDArray u32 = u.toType(DataType.FLOAT32, false);
            NDArray w = gpt.parameters().get(name);
            Shape ws = w.getShape();
            if (ws.equals(new Shape(d, f))) {
                u32 = u32.transpose();                     // Linear layout [out, in]
            } else if (!ws.equals(new Shape(f, d))) {
                throw new IllegalArgumentException("weight " + name + " has shape " + ws + ", expected [" + f + ", " + d + "] or [" + d + ", " + f + "]");
            }
            delta = u32.toFloatArray();
            NDArray edited = gpt.parameters().f32(name, scope).add(u32);
            NDArray prev = gpt.parameters().replace(name, edited);
            old.putIfAbsent(name, prev);
            if (old.get(name) != prev) prev.close();
        }
        solveNanos += System.nanoTime() - t1;
        return keepAll ? new Layer(layer, name, k, List.copyOf(perTemplate), cur, resid, upd, delta)
                : new Layer(layer, name, k, List.of(), cur, resid, null, null);
    }

    /**
     * A solve that must be regular: A⁻¹B in float64, refused (one line) when A is singular or the result does
     * not satisfy A·X = B to 1e-6 relative.
     */
    static NDArray solveChecked(NDManager scope, NDArray a, NDArray b, int layer) {
        NDArray x;
        try {
            x = a.inverse().matMul(b);
        } catch (RuntimeException e) {
            throw singular(layer);
        }
        double bn = b.norm().getDouble();
        double err = a.matMul(x).sub(b).norm().getDouble();
        if (!Double.isFinite(err) || err > 1e-6 * Math.max(bn, Double.MIN_NORMAL)) throw singular(layer);
        return x;
    }

    private static IllegalArgumentException singular(int layer) {
        return new IllegalArgumentException("the solve at layer " + layer + " is singular for this batch: its keys and the statistics "
                + "leave a direction unconstrained; check the statistics of layer " + layer + " (rome4j stats) and use λ / L2 > 0");
    }

    /** K·Kᵀ of keys [F, n]. */
    static NDArray outer(NDArray k) {
        return k.matMul(k.transpose());
    }

    /** A float64 scalar in {@code scope}. */
    static NDArray scalar(NDManager scope, double v) {
        return scope.create(v);
    }

    @Override
    public void close() {
        state.close();
    }
}
