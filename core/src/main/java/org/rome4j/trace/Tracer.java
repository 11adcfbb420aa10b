package org.rome4j.trace;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rome4j.intervene.Cells;
import org.rome4j.intervene.Hook;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
import org.rome4j.model.KvCache;
import org.rome4j.progress.CancellationToken;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * The engine of one prompt's traces: a clean run and a corrupted run, recorded once, then restored
 * runs scored in either schedule.
 *
 * <ul>
 * <li>{@link #batched}: many cells per forward, each restarted with {@link Gpt#forwardFrom} from the
 *     cached corrupted residual at the first layer its patch touches (every layer below is identical
 *     to the corrupted run), and only from the restored token on (attention is causal, so earlier
 *     tokens are as in the corrupted run: their keys and values come from its KV cache); logits only
 *     at the last token. A residual restore at (t, l) starts at
 *     block l+1 with {@code layer.{l+1}.in} patched (or at block l with {@code layer.l.out} patched
 *     when l is the last layer); an MLP/attention window [a, b) starts at block a.</li>
 * <li>{@link #naive}: the original's schedule, one full forward (logits at every position) of
 *     1 clean + samples corrupted rows per cell, two for a frozen cell (the first records the
 *     corrupted values to pin).</li>
 * </ul>
 * Owns an NDManager: close it.
 */
final class Tracer implements AutoCloseable {
    /**
     * A restored cell: restore {@code kind} at center layer {@code layer}, token {@code token}, with
     * {@code frozen} (MLP or attention, or null) pinned to its corrupted values at that token.
     */
    record Cell(int token, int layer, Kind kind, Kind frozen) { }

    /** One replacement in a batched forward: at {@code target}, position t, put the clean or corrupted value of {@code from}. */
    private record Patch(Site target, int token, Site from, boolean clean) { }

    private record Plan(int start, List<Patch> patches) { }

    final Gpt gpt;
    final int nLayer;
    final int width;
    final int samples;
    final long[] ids;
    final int subjectBegin;
    final int subjectEnd;
    final double[] scaledNoise;          // [samples, subject tokens, width]
    final boolean replace;
    private final NDManager scope;
    private final Map<Site, float[]> clean = new HashMap<>();      // [T * D]
    private final Map<Site, float[]> corrupted = new HashMap<>();  // [S * T * D]
    private final NDArray[] corruptedIn;                             // [S, T, D] per layer
    private final KvCache corruptedKv;                               // [S, H, T, head width] per layer
    final float[] corruptedEmbed;                                    // [S, T, D]
    final long answerId;
    final double highScore;
    final double lowScore;
    int maxRows = 256;
    /** Skip the tokens before the restored one (their states equal the corrupted run's), reading their keys and values from the corrupted run. */
    boolean skipPrefix = true;
    final CancellationToken cancel;
    /** Told how many cells each forward scored (progress). */
    IntConsumer scored = n -> { };

    /** Runs the clean and the corrupted forward, checking {@code cancel} before each. */
    Tracer(Gpt gpt, long[] ids, int subjectBegin, int subjectEnd, int samples, double[] scaledNoise, boolean replace,
           CancellationToken cancel) {
        this.cancel = cancel;
        this.gpt = gpt;
        this.nLayer = gpt.nLayer();
        this.width = gpt.config().nEmbd();
        this.samples = samples;
        this.ids = ids.clone();
        this.subjectBegin = subjectBegin;
        this.subjectEnd = subjectEnd;
        this.scaledNoise = scaledNoise;
        this.replace = replace;
        this.scope = gpt.newScope();
        try {
            cancel.check("causal trace");
            // clean run: the values restored later, and the answer
            Interventions.Builder cb = Interventions.builder();
            for (int l = 0; l < nLayer; l++) {
                cb.record(Site.layerOut(l), Site.mlpOut(l), Site.attnOut(l));
            }
            long[] answer = new long[1];
            double[] high = new double[1];
            try (NDManager sub = scope.newSubManager()) {
                var out = gpt.forwardLast(sub, Batch.of(ids), cb.build());
                float[] p = out.logits().reshape(-1).softmax(0).toFloatArray();
                int best = 0;
                for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
                answer[0] = best;
                high[0] = p[best];
                out.recorded().forEach((site, a) -> clean.put(site, a.toFloatArray()));
            }
            this.answerId = answer[0];
            this.highScore = high[0];
            cancel.check("causal trace");
            // corrupted run: the residual entering every block, MLP and attention outputs to pin, the score
            Interventions.Builder kb = Interventions.builder().apply(Site.embed(), corrupt(0)).record(Site.embed());
            for (int l = 0; l < nLayer; l++) {
                kb.record(Site.layerIn(l), Site.mlpOut(l), Site.attnOut(l));
            }
            // a step with an empty KV cache is the same forward, and leaves every layer's keys and values
            long[][] rowsIds = new long[samples][];
            long[][] rowsPos = new long[samples][ids.length];
            int[][] rowsMask = new int[samples][ids.length];
            for (int r = 0; r < samples; r++) {
                rowsIds[r] = ids.clone();
                for (int i = 0; i < ids.length; i++) {
                    rowsPos[r][i] = i;
                    rowsMask[r][i] = 1;
                }
            }
            this.corruptedKv = new KvCache(scope, nLayer);
            var out = gpt.step(scope, rowsIds, rowsPos, rowsMask, corruptedKv, kb.build());
            this.lowScore = mean(answerProbs(out.logits()), 0, samples);
            this.corruptedIn = new NDArray[nLayer];
            for (int l = 0; l < nLayer; l++) {
                corruptedIn[l] = out.get(Site.layerIn(l));
                corrupted.put(Site.mlpOut(l), out.get(Site.mlpOut(l)).toFloatArray());
                corrupted.put(Site.attnOut(l), out.get(Site.attnOut(l)).toFloatArray());
            }
            this.corruptedEmbed = out.get(Site.embed()).toFloatArray();
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    int tokens() {
        return ids.length;
    }

    /** Adds (or writes) the scaled noise at the subject tokens of rows [firstRow, firstRow + samples), in float64. */
    Hook corrupt(int firstRow) {
        return (ctx, x) -> {
            int t = ctx.tokens();
            int b = subjectBegin;
            int e = subjectEnd;
            NDManager m = ctx.scope();
            NDArray z = m.create(scaledNoise, new Shape(samples, e - b, width));
            NDArray sub = x.get(new NDIndex(firstRow + ":" + (firstRow + samples) + ", " + b + ":" + e + ", :"));
            NDArray noisy = replace ? z.toType(DataType.FLOAT32, false)
                    : sub.toType(DataType.FLOAT64, false).add(z).toType(DataType.FLOAT32, false);
            if (firstRow > 0) {
                noisy = NDArrays.concat(new NDList(x.get(new NDIndex("0:" + firstRow + ", " + b + ":" + e + ", :")), noisy), 0);
            }
            int rows = ctx.rows();
            if (firstRow + samples < rows) {
                noisy = NDArrays.concat(new NDList(noisy,
                        x.get(new NDIndex((firstRow + samples) + ":" + rows + ", " + b + ":" + e + ", :"))), 0);
            }
            NDList parts = new NDList();
            if (b > 0) parts.add(x.get(new NDIndex(":, 0:" + b + ", :")));
            parts.add(noisy);
            if (e < t) parts.add(x.get(new NDIndex(":, " + e + ":" + t + ", :")));
            return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
        };
    }

    /** P(answer) at each row's last position, [R]. */
    private float[] answerProbs(NDArray logits) {
        Shape s = logits.getShape();
        long v = s.get(2);
        NDArray last = s.get(1) == 1 ? logits.reshape(s.get(0), v) : logits.get(new NDIndex(":, -1, :"));
        return last.softmax(1).get(new NDIndex(":, " + answerId)).toFloatArray();
    }

    private static double mean(float[] p, int from, int n) {
        double s = 0;
        for (int i = from; i < from + n; i++) s += p[i];
        return s / n;
    }

    // ---------------------------------------------------------------- batched schedule

    private Plan plan(Cell c, int window) {
        Kind kind = c.kind();
        Kind frozen = c.frozen();
        List<Patch> patches = new ArrayList<>();
        int start;
        if (kind == Kind.RESID) {
            int l = c.layer();
            if (l + 1 < nLayer) {
                start = l + 1;
                patches.add(new Patch(Site.layerIn(l + 1), c.token(), Site.layerOut(l), true));
            } else {
                start = l;
                patches.add(new Patch(Site.layerOut(l), c.token(), Site.layerOut(l), true));
            }
        } else {
            int[] w = kind.window(c.layer(), window, nLayer);
            start = w[0];
            for (int l = w[0]; l < w[1]; l++) {
                patches.add(new Patch(kind.site(l), c.token(), kind.site(l), true));
            }
        }
        if (frozen != null) {
            // pin the frozen path at this token to its corrupted values in every layer that still runs;
            // layers below the start already hold them
            List<Patch> pins = new ArrayList<>();
            for (int l = start; l < nLayer; l++) {
                pins.add(new Patch(frozen.site(l), c.token(), frozen.site(l), false));
            }
            pins.addAll(patches);
            patches = pins;
        }
        return new Plan(start, patches);
    }

    /** Scores of cells, many per forward, each started at its first restored layer. */
    double[] batched(List<Cell> cells, int window) {
        double[] scores = new double[cells.size()];
        // group by start layer; within a group, cells sorted by token are cut into chunks, each run from
        // the smallest token of its chunk on (see chunks())
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        List<Plan> plans = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            Plan p = plan(cells.get(i), window);
            plans.add(p);
            groups.computeIfAbsent(p.start(), k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<Integer, List<Integer>> g : groups.entrySet()) {
            int start = g.getKey();
            List<Integer> idx = new ArrayList<>(g.getValue());
            idx.sort((a, b) -> Integer.compare(cells.get(a).token(), cells.get(b).token()));
            int[] tok = new int[idx.size()];
            for (int i = 0; i < tok.length; i++) tok[i] = cells.get(idx.get(i)).token();
            for (int[] seg : chunks(start, tok)) {
                cancel.check("causal trace");
                List<Integer> chunk = idx.subList(seg[0], seg[1]);
                List<Plan> ps = new ArrayList<>();
                for (int i : chunk) ps.add(plans.get(i));
                double[] s = runChunk(start, skipPrefix ? tok[seg[0]] : 0, ps);
                for (int k = 0; k < chunk.size(); k++) scores[chunk.get(k)] = s[k];
                scored.accept(chunk.size());
            }
        }
        return scores;
    }

    /**
     * Cuts a start group's cells (sorted by token) into chunks [from, to) of at most maxRows rows. A chunk
     * runs tokens from its first cell's token on, so small chunks skip more of the prefix but pay the
     * fixed cost of a forward more often. The cut minimises an estimate of the work, in multiply-adds:
     * per forward a fixed overhead (op dispatch and reading its weights), per row the blocks over
     * the tokens computed plus the vocabulary projection. Narrow models end up with few large chunks,
     * wide ones with a chunk per token.
     */
    List<int[]> chunks(int start, int[] tok) {
        int n = tok.length;
        int perForward = Math.max(1, maxRows / samples);
        int layersRun = nLayer - start;
        double d = width;
        double perRowToken = layersRun * 12.0 * d * d;
        double perRowHead = (double) gpt.config().vocabSize() * d;
        // a forward's fixed cost: op dispatch, plus streaming every weight it uses once (small-row
        // matrix products are bound by memory, not arithmetic)
        double overhead = 5e7 + 2 * (layersRun * 12.0 * d * d + perRowHead);
        double[] best = new double[n + 1];
        int[] cut = new int[n + 1];
        for (int j = 1; j <= n; j++) {
            best[j] = Double.POSITIVE_INFINITY;
            for (int i = Math.max(0, j - perForward); i < j; i++) {
                int from = skipPrefix ? tok[i] : 0;
                double rows = (double) (j - i) * samples;
                double c = best[i] + overhead + rows * ((tokens() - from) * perRowToken + perRowHead);
                if (c < best[j]) {
                    best[j] = c;
                    cut[j] = i;
                }
            }
        }
        List<int[]> out = new ArrayList<>();
        for (int j = n; j > 0; j = cut[j]) out.add(0, new int[] {cut[j], j});
        return out;
    }

    private double[] runChunk(int start, int prefix, List<Plan> plans) {
        int k = plans.size();
        int rows = k * samples;
        int t = tokens();
        // per target site: rows, positions, values
        Map<Site, List<int[]>> where = new LinkedHashMap<>();
        Map<Site, List<float[]>> values = new LinkedHashMap<>();
        for (int c = 0; c < k; c++) {
            for (Patch p : plans.get(c).patches()) {
                List<int[]> w = where.computeIfAbsent(p.target(), x -> new ArrayList<>());
                List<float[]> v = values.computeIfAbsent(p.target(), x -> new ArrayList<>());
                float[] src = p.clean() ? clean.get(p.from()) : corrupted.get(p.from());
                for (int s = 0; s < samples; s++) {
                    w.add(new int[] {c * samples + s, p.token()});
                    float[] val = new float[width];
                    int off = p.clean() ? p.token() * width : (s * t + p.token()) * width;
                    System.arraycopy(src, off, val, 0, width);
                    v.add(val);
                }
            }
        }
        Interventions.Builder b = Interventions.builder();
        for (Map.Entry<Site, List<int[]>> e : where.entrySet()) {
            List<int[]> w = e.getValue();
            int[] r = new int[w.size()];
            int[] pos = new int[w.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = w.get(i)[0];
                pos[i] = w.get(i)[1];
            }
            b.replace(e.getKey(), Cells.of(r, pos), values.get(e.getKey()).toArray(new float[0][]));
        }
        try (NDManager sub = scope.newSubManager()) {
            // the corrupted residual entering block `start` at tokens prefix..T-1, once per cell: row c*S + s
            NDArray residual = tiled(sub, corruptedIn[start].get(new NDIndex(":, " + prefix + ":, :")), k);
            KvCache cache = null;
            if (prefix > 0) {
                NDArray[] keys = new NDArray[nLayer];
                NDArray[] vals = new NDArray[nLayer];
                NDIndex head = new NDIndex(":, :, :" + prefix + ", :");
                for (int l = start; l < nLayer; l++) {
                    keys[l] = tiled(sub, corruptedKv.keys(l).get(head), k);
                    vals[l] = tiled(sub, corruptedKv.values(l).get(head), k);
                }
                int[][] mask = new int[rows][prefix];
                for (int[] m : mask) java.util.Arrays.fill(m, 1);
                cache = KvCache.of(sub, keys, vals, mask);
            }
            Batch batch = Batch.right(Collections.nCopies(rows, ids), gpt.tokenizer().padId());
            float[] p = answerProbs(gpt.forwardFrom(sub, start, residual, batch, b.build(), true, cache).logits());
            double[] out = new double[k];
            for (int c = 0; c < k; c++) out[c] = mean(p, c * samples, samples);
            return out;
        }
    }

    /** k copies of x stacked on axis 0, owned by {@code m}. */
    private static NDArray tiled(NDManager m, NDArray x, int k) {
        x.attach(m);
        if (k == 1) return x;
        NDList copies = new NDList();
        for (int c = 0; c < k; c++) copies.add(x);
        NDArray out = NDArrays.concat(copies, 0);
        out.attach(m);
        return out;
    }

    // ---------------------------------------------------------------- the original's schedule

    /** Scores of cells, one full forward (two for frozen cells) of 1 + samples rows each, as the original. */
    double[] naive(List<Cell> cells, int window) {
        double[] scores = new double[cells.size()];
        List<long[]> seqs = Collections.nCopies(samples + 1, ids);
        Batch batch = Batch.right(seqs, gpt.tokenizer().padId());
        int[] corruptRows = Cells.rows(1, samples + 1);
        for (int i = 0; i < cells.size(); i++) {
            cancel.check("causal trace");
            Cell c = cells.get(i);
            Kind kind = c.kind();
            Kind frozen = c.frozen();
            try (NDManager sub = scope.newSubManager()) {
                Interventions.Builder b = Interventions.builder().apply(Site.embed(), corrupt(1));
                if (frozen != null) {
                    Interventions.Builder first = Interventions.builder().apply(Site.embed(), corrupt(1));
                    for (int l = 0; l < nLayer; l++) first.record(frozen.site(l));
                    var firstPass = gpt.forward(sub, batch, first.build());
                    for (int l = 0; l < nLayer; l++) {
                        NDArray pinned = firstPass.get(frozen.site(l)).get(new NDIndex("1:, " + c.token() + ", :"));
                        b.replace(frozen.site(l), Cells.grid(corruptRows, new int[] {c.token()}), pinned);
                    }
                }
                int[] w = kind.window(c.layer(), window, nLayer);
                for (int l = w[0]; l < w[1]; l++) {
                    Site site = kind.site(l);
                    float[] src = clean.get(site);
                    float[] val = new float[width];
                    System.arraycopy(src, c.token() * width, val, 0, width);
                    b.replace(site, Cells.grid(corruptRows, new int[] {c.token()}), sub.create(val));
                }
                float[] p = answerProbs(gpt.forward(sub, batch, b.build()).logits());
                scores[i] = mean(p, 1, samples);
            }
            scored.accept(1);
        }
        return scores;
    }

    @Override
    public void close() {
        scope.close();
    }
}
