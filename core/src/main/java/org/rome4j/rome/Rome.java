package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rome4j.intervene.Cells;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Generator;
import org.rome4j.model.Gpt;
import org.rome4j.model.ModelSave;
import org.rome4j.model.TextTokenizer;
import org.rome4j.model.UnknownWords;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A ROME editing session on one model: applies rank-one edits exactly as the original code
 * (kmeng01/rome at 0874014: {@code rome_main.py}, {@code compute_u.py}, {@code compute_v.py},
 * {@code repr_tools.py}), keeps them on a stack, and undoes them bit for bit.
 *
 * <pre>{@code
 * try (Gpt gpt = Models.load("tiny-facts")) {
 *     Rome rome = Rome.builder(gpt).hparams(RomeHparams.preset("tiny-facts"))
 *             .stats(1, KeyStats.read(Path.of("stats.npz"))).build();
 *     Edit e = rome.apply(Request.of("{} plays the sport of", "Michael Jordan", "football"));
 *     System.out.println(e.post().targetProb());
 *     rome.undo();                 // weights are the original bytes again
 * }
 * }</pre>
 *
 * <p>Weights are never written in place: an edit swaps in {@code W + ΔW} with
 * {@link org.rome4j.model.Parameters#replace} and keeps the old array, which undo puts back.
 * Not thread-safe; one session per model.
 */
public final class Rome {
    /** The KL prompt of {@code compute_v}. */
    static final String KL_PROMPT = "{} is a";

    private final Gpt gpt;
    private final RomeHparams hp;
    private final Map<Integer, float[]> inverses;
    private final IntFunction<KeyStats> statsSource;
    private final long seed;
    private final boolean rRome;
    private final int topK;
    private final int genTokens;
    private final boolean measure;
    private List<String> templates;
    private final Deque<Applied> stack = new ArrayDeque<>();
    private int nextId = 1;

    private record Applied(Edit edit, Map<String, NDArray> oldWeights) { }

    private Rome(Builder b) {
        this.gpt = b.gpt;
        this.hp = b.hp;
        this.inverses = new HashMap<>(b.inverses);
        this.statsSource = b.statsSource;
        this.seed = b.seed;
        this.rRome = b.rRome;
        this.templates = b.templates;
        this.topK = b.topK;
        this.genTokens = b.genTokens;
        this.measure = b.measure;
        for (int l : hp.layers()) checkLayer(gpt, l);
    }

    /** A builder for a session on {@code gpt}. */
    public static Builder builder(Gpt gpt) {
        return new Builder(gpt);
    }

    /** Options of a session. */
    public static final class Builder {
        private final Gpt gpt;
        private RomeHparams hp;
        private final Map<Integer, float[]> inverses = new HashMap<>();
        private final Map<Integer, KeyStats> stats = new HashMap<>();
        private IntFunction<KeyStats> statsSource;
        private List<String> templates;
        private long seed = 0;
        private boolean rRome;
        private int topK = 5;
        private int genTokens = 10;
        private boolean measure = true;

        private Builder(Gpt gpt) {
            this.gpt = gpt;
        }

        /** Hyper-parameters (required). */
        public Builder hparams(RomeHparams h) {
            this.hp = h;
            return this;
        }

        /** Key statistics for a layer; C⁻¹ is computed from them once. */
        public Builder stats(int layer, KeyStats s) {
            s.checkWidth(gpt, null);
            stats.put(layer, s);
            return this;
        }

        /** C⁻¹ for a layer, row-major [F*F] (e.g. from a golden file). */
        public Builder inverse(int layer, float[] cInv) {
            int f = gpt.config().nInner();
            if (cInv.length != f * f) {
                throw new IllegalArgumentException("inverse statistics for layer " + layer + " have " + cInv.length
                        + " entries but " + gpt.name() + " has MLP width " + f + " (expected " + (long) f * f + ")");
            }
            inverses.put(layer, cInv.clone());
            return this;
        }

        /** Where statistics come from for layers without {@link #stats}/{@link #inverse} (e.g. a cache that computes them). */
        public Builder statsSource(IntFunction<KeyStats> source) {
            this.statsSource = source;
            return this;
        }

        /** Fixed context templates (each with one {@code {}}); default: sampled with {@link #seed}. */
        public Builder templates(List<String> t) {
            this.templates = ContextTemplates.validate(t);
            return this;
        }

        /** Seed of the sampled context templates (default 0). */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** r-ROME (arXiv 2403.07175): the prefix-averaged key k* also in the update's denominator. */
        public Builder rRome(boolean on) {
            this.rRome = on;
            return this;
        }

        /** Next-token predictions kept before/after (default 5). */
        public Builder topK(int k) {
            this.topK = k;
            return this;
        }

        /** Greedy tokens generated before/after for the edit handle (default 10; 0 for none). */
        public Builder generationTokens(int n) {
            this.genTokens = n;
            return this;
        }

        /** Whether edits measure predictions before and after (default true; off, {@link Edit#pre()} and {@link Edit#post()} are null). */
        public Builder measure(boolean on) {
            this.measure = on;
            return this;
        }

        /** Builds the session. */
        public Rome build() {
            if (hp == null) throw new IllegalArgumentException("no hyper-parameters: call hparams(RomeHparams.preset(...))");
            hp.checkFor(gpt.nLayer(), gpt.name());
            Map<Integer, KeyStats> given = Map.copyOf(stats);
            IntFunction<KeyStats> fallback = statsSource;
            this.statsSource = layer -> {
                KeyStats s = given.get(layer);
                if (s != null) return s;
                if (fallback != null) return fallback.apply(layer);
                throw new IllegalArgumentException("no key statistics for layer " + layer + ": compute them with rome4j stats "
                        + "--layer " + layer + " and pass --stats FILE");
            };
            return new Rome(this);
        }
    }

    /**
     * The weight the hparams' {@code rewrite_module_tmp} names at a layer, which must be this model's MLP
     * output projection (input site {@code layer.{i}.mlp.in}, output {@code layer.{i}.mlp.out}).
     */
    private String rewritten(int layer) {
        String want = gpt.rewritableWeight(layer);
        if (!hp.weightName(layer).equals(want)) {
            String tmp = gpt.architecture().moduleTemplates(gpt.config()).get("rewrite_module_tmp");
            throw new IllegalArgumentException("hparams rewrite_module_tmp \"" + hp.rewriteModuleTmp() + "\" is not the MLP output "
                    + "projection of this " + gpt.config().modelType() + " model (" + tmp + "): set rewrite_module_tmp to \"" + tmp
                    + "\" or use a preset for this family");
        }
        return want;
    }

    static void checkLayer(Gpt gpt, int layer) {
        if (layer < 0 || layer >= gpt.nLayer()) {
            throw new IllegalArgumentException("layer " + layer + " is out of range: " + gpt.name() + " has layers 0–"
                    + (gpt.nLayer() - 1) + "; set \"layers\" in the hparams");
        }
    }

    /** The model. */
    public Gpt model() { return gpt; }

    /** The hyper-parameters. */
    public RomeHparams hparams() { return hp; }

    /** The context templates (sampled on first use unless given). */
    public List<String> templates() {
        if (templates == null) {
            templates = ContextTemplates.generate(gpt, hp.contextTemplateLengthParams(), seed);
        }
        return templates;
    }

    /**
     * Makes later edits at {@code layer} use these key statistics (their C⁻¹ replaces any cached one).
     * Edits already made keep the update they computed, so undo stays exact.
     */
    public void useStats(int layer, KeyStats s) {
        if (layer < 0 || layer >= gpt.nLayer()) {
            throw new IllegalArgumentException("layer " + layer + " is not in 0.." + (gpt.nLayer() - 1));
        }
        inverses.put(layer, s.checkWidth(gpt, null).inverse());
    }

    /** C⁻¹ of a layer, cached. */
    float[] inverse(int layer) {
        return inverses.computeIfAbsent(layer, l -> statsSource.apply(l).checkWidth(gpt, null).inverse());
    }

    // ------------------------------------------------------------------ session

    /** Active edits, oldest first. */
    public List<Edit> edits() {
        List<Edit> out = new ArrayList<>();
        stack.descendingIterator().forEachRemaining(a -> out.add(a.edit()));
        return out;
    }

    /**
     * Computes and applies an edit and returns its handle (with predictions before and after).
     *
     * @throws IllegalArgumentException when the subject is not in the prompt or the request is otherwise unusable
     */
    public Edit apply(Request request) {
        check(request);
        Edit.Measure pre = measure ? measure(request) : null;
        long t0 = System.nanoTime();
        Map<String, NDArray> old = new LinkedHashMap<>();
        List<Update> updates = new ArrayList<>();
        try {
            for (int layer : hp.layers().stream().sorted().toList()) {
                Update u = compute(request, layer);
                updates.add(u);
                NDArray prev = applyDelta(u);
                old.putIfAbsent(u.weightName(), prev);
                if (old.get(u.weightName()) != prev) prev.close();
            }
        } catch (RuntimeException e) {
            restore(old);
            throw e;
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Edit.Measure post = measure ? measure(request) : null;
        Edit edit = new Edit(nextId++, request, List.copyOf(updates), pre, post, millis);
        stack.push(new Applied(edit, old));
        return edit;
    }

    /** Undoes the most recent edit (the weights it replaced come back bit for bit); null when none. */
    public Edit undo() {
        Applied a = stack.poll();
        if (a == null) return null;
        restore(a.oldWeights());
        return a.edit();
    }

    /**
     * Undoes an edit by id; only the most recent one can be undone (edits stack: undo later ones first).
     *
     * @throws IllegalArgumentException if the id is not the most recent active edit
     */
    public Edit undo(int id) {
        Applied top = stack.peek();
        if (top == null || top.edit().id() != id) {
            boolean active = stack.stream().anyMatch(a -> a.edit().id() == id);
            throw new IllegalArgumentException(active
                    ? "edit #" + id + " is not the most recent (#" + top.edit().id() + "): undo the later edits first"
                    : "no active edit #" + id + "; active edits: " + edits().stream().map(Edit::id).toList());
        }
        return undo();
    }

    /**
     * Runs {@code work} with the original (unedited) weights swapped in, then swaps the edited weights
     * back; nothing is copied or closed, so the edits stay exactly as they were.
     */
    public <T> T withOriginalWeights(java.util.function.Supplier<T> work) {
        Map<String, NDArray> originals = new LinkedHashMap<>();
        stack.descendingIterator().forEachRemaining(a -> a.oldWeights().forEach(originals::putIfAbsent));   // oldest first
        Map<String, NDArray> edited = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, NDArray> e : originals.entrySet()) {
                edited.put(e.getKey(), gpt.parameters().replace(e.getKey(), e.getValue()));
            }
            return work.get();
        } finally {
            edited.forEach((name, w) -> gpt.parameters().replace(name, w));
        }
    }

    /** Undoes every edit, newest first; returns how many. */
    public int undoAll() {
        int n = 0;
        while (undo() != null) n++;
        return n;
    }

    /**
     * Saves the model with its active edits as a new HF directory (safetensors), refusing an existing one.
     *
     * @throws IllegalArgumentException when {@code dir} is (or overlaps) where the model was loaded from, or exists
     */
    public void save(Path dir, Path modelSource) throws IOException {
        save(dir, modelSource, false);
    }

    /** As {@link #save(Path, Path)}; with {@code overwrite} an existing model folder (not the source) is replaced. */
    public void save(Path dir, Path modelSource, boolean overwrite) throws IOException {
        ModelSave.save(gpt, dir, modelSource, overwrite);
    }

    private void restore(Map<String, NDArray> old) {
        for (Map.Entry<String, NDArray> e : old.entrySet()) {
            NDArray edited = gpt.parameters().replace(e.getKey(), e.getValue());
            if (edited != e.getValue()) edited.close();
        }
    }

    private void check(Request r) {
        String text = r.text();
        if (!text.contains(r.subject())) {
            throw new IllegalArgumentException("subject \"" + r.subject() + "\" is not in the prompt \"" + text + "\"");
        }
        if (gpt.tokenizer().continuation(text, r.targetWithSpace()).length == 0) {
            throw new IllegalArgumentException("target \"" + r.targetNew() + "\" encodes to no tokens: give a non-empty target");
        }
        UnknownWords.checkTarget(gpt, r.targetWithSpace(), r.targetNew());
    }

    /** Swaps in W + ΔW; returns the replaced array. */
    private NDArray applyDelta(Update u) {
        NDArray w = gpt.parameters().get(u.weightName());
        int f = u.u().length;
        int d = u.v().length;
        try (NDManager scope = gpt.newScope()) {
            NDArray outer = scope.create(u.u(), new Shape(f, 1)).matMul(scope.create(u.v(), new Shape(1, d)));   // [F, D]
            Shape ws = w.getShape();
            if (ws.equals(new Shape(d, f))) {
                outer = outer.transpose();                 // Linear layout [out, in]
            } else if (!ws.equals(new Shape(f, d))) {
                throw new IllegalArgumentException("weight " + u.weightName() + " has shape " + ws + ", expected [" + f + ", " + d
                        + "] (Conv1D) or [" + d + ", " + f + "] (Linear)");
            }
            // in float32; Parameters.replace rounds it back when the weights are half precision
            NDArray edited = gpt.parameters().f32(u.weightName(), scope).add(outer);
            return gpt.parameters().replace(u.weightName(), edited);
        }
    }

    // ------------------------------------------------------------------ measurement

    /** Predictions for a request's prompt on the current weights. */
    public Edit.Measure measure(Request r) {
        TextTokenizer tok = gpt.tokenizer();
        long[] prompt = tok.ids(r.text());
        double pt = sequenceProb(prompt, tok.continuation(r.text(), r.targetWithSpace()));
        double pTrue = r.targetTrue() == null ? Double.NaN
                : sequenceProb(prompt, tok.continuation(r.text(), r.targetTrue().startsWith(" ") ? r.targetTrue() : " " + r.targetTrue()));
        List<Edit.TopToken> top = new ArrayList<>();
        try (NDManager scope = gpt.newScope()) {
            float[] logits = gpt.forwardLast(scope, Batch.of(prompt), Interventions.NONE).logits().toFloatArray();
            double[] p = softmax(logits, 0, logits.length);
            Integer[] idx = new Integer[p.length];
            for (int i = 0; i < idx.length; i++) idx[i] = i;
            java.util.Arrays.sort(idx, (a, b) -> Double.compare(p[b], p[a]));
            for (int i = 0; i < Math.min(topK, idx.length); i++) {
                top.add(new Edit.TopToken(idx[i], tok.tokenText(idx[i]), p[idx[i]]));
            }
        }
        String gen = genTokens <= 0 ? "" : Generator.builder().maxNewTokens(genTokens).build()
                .generate(gpt, List.of(r.text())).get(0).text();
        return new Edit.Measure(pt, pTrue, List.copyOf(top), gen);
    }

    /** P(continuation | prompt): the product of the continuation's token probabilities. */
    public double sequenceProb(long[] prompt, long[] continuation) {
        if (continuation.length == 0) return Double.NaN;
        long[] all = new long[prompt.length + continuation.length - 1];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(continuation, 0, all, prompt.length, continuation.length - 1);
        try (NDManager scope = gpt.newScope()) {
            NDArray logp = gpt.forward(scope, Batch.of(all), Interventions.NONE).logits().get(0).logSoftmax(-1);
            double lp = 0;
            for (int j = 0; j < continuation.length; j++) {
                lp += logp.getFloat(prompt.length - 1 + j, continuation[j]);
            }
            return Math.exp(lp);
        }
    }

    static double[] softmax(float[] x, int from, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[from + i]);
        double[] p = new double[n];
        double s = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(x[from + i] - max);
            s += p[i];
        }
        for (int i = 0; i < n; i++) p[i] /= s;
        return p;
    }

    // ------------------------------------------------------------------ the algorithm

    /**
     * The token index ROME reads at ({@code repr_tools.get_words_idxs_in_templates}): the prefix, the
     * subject (with a leading space after a prefix) and the suffix are tokenized separately, and
     * {@code subject_last} is len(prefix) + len(subject) − 1. {@code last} is the prompt's last token.
     */
    static int lookupIndex(TextTokenizer tok, String template, String subject, String factToken) {
        TextTokenizer.Encoded enc = tok.encode(Request.fill(template, subject));
        if (factToken.equals("last")) {
            return enc.size() - 1;
        }
        // the subject's tokens by character offsets in one encoding of the whole text: right with a BOS and
        // with sentencepiece pieces, and for GPT-2 the same as the original's prefix/word/suffix token counts
        int[] r = TextTokenizer.tokenRange(enc, subject, template.indexOf("{}"));
        return switch (factToken) {
            case "subject_first" -> r[0];
            case "subject_first_after_last" -> r[1] < enc.size() ? r[1] : r[1] - 1;
            default -> r[1] - 1;
        };
    }

    /** The update for one layer on the current weights (nothing is changed). */
    public Update compute(Request request, int layer) {
        checkLayer(gpt, layer);
        check(request);
        String weight = rewritten(layer);
        TextTokenizer tok = gpt.tokenizer();
        List<String> ctx = templates();
        int f = gpt.config().nInner();
        int d = gpt.config().nEmbd();
        String fact = hp.factToken();

        // ---- compute_u: k* = mean key at the subject's last token over "{template}.format(prompt)"
        List<String> uTemplates = new ArrayList<>();
        for (String c : ctx) uTemplates.add(Request.fill(c, request.prompt()));
        int[] keyIdx = new int[uTemplates.size()];
        List<long[]> uSeqs = new ArrayList<>();
        for (int i = 0; i < keyIdx.length; i++) {
            keyIdx[i] = lookupIndex(tok, uTemplates.get(i), request.subject(), fact);
            uSeqs.add(tok.ids(Request.fill(uTemplates.get(i), request.subject())));
            checkIndex(keyIdx[i], uSeqs.get(i), uTemplates.get(i));
        }
        float[][] keys;
        float[][] outs;
        float[] kMean;
        float[] u;
        float[] meanOut;
        Site in = Site.mlpIn(layer);
        Site out = Site.mlpOut(layer);
        try (NDManager scope = gpt.newScope()) {
            Batch b = Batch.right(uSeqs, tok.padId());
            var o = gpt.forward(scope, b, Interventions.builder().record(in, out).stopAfter(out).build());
            NDArray k = pick(scope, o.get(in), b.tokens(), keyIdx);            // [N, F]
            NDArray vo = pick(scope, o.get(out), b.tokens(), keyIdx);          // [N, D]
            keys = rows(k, keyIdx.length, f);
            outs = rows(vo, keyIdx.length, d);
            NDArray km = k.mean(new int[] {0});                                  // [F]
            kMean = km.toFloatArray();
            meanOut = vo.mean(new int[] {0}).toFloatArray();
            NDArray uu = km;
            if (hp.mom2Adjustment()) {
                NDArray cInv = scope.create(inverse(layer), new Shape(f, f));
                uu = cInv.matMul(km.reshape(f, 1)).reshape(f);
            }
            u = uu.div(uu.norm()).toFloatArray();
        }

        // ---- compute_v
        VResult vr = computeV(request, layer, ctx);
        float[] curInput;
        float[] curOutput;
        if (rRome) {
            curInput = kMean;
            curOutput = meanOut;
        } else {
            String p = request.prompt();
            int idx = lookupIndex(tok, p, request.subject(), fact);
            long[] ids = tok.ids(request.text());
            checkIndex(idx, ids, p);
            try (NDManager scope = gpt.newScope()) {
                var o = gpt.forward(scope, Batch.of(ids), Interventions.builder().record(in, out).stopAfter(out).build());
                curInput = o.get(in).get(new NDIndex("0, {}", idx)).toFloatArray();
                curOutput = o.get(out).get(new NDIndex("0, {}", idx)).toFloatArray();
            }
        }
        float[] v = new float[d];
        float dot;
        try (NDManager scope = gpt.newScope()) {
            NDArray ci = scope.create(curInput);
            NDArray ua = scope.create(u);
            NDArray dotA = ci.dot(ua);
            dot = dotA.getFloat();
            v = scope.create(vr.target).sub(scope.create(curOutput)).div(dotA).toFloatArray();
        }
        if (!Float.isFinite(dot) || dot == 0f) {
            throw new IllegalStateException("k·u = " + dot + " at layer " + layer + ": the key is orthogonal to u; try another layer");
        }
        double wNorm = Update.norm(u) * Update.norm(v);
        return new Update(layer, weight, u, v, kMean, keys, keyIdx, curInput, curOutput, vr.targetInit,
                vr.target, vr.deltas, vr.losses, vr.probs, wNorm);
    }

    private static void checkIndex(int idx, long[] ids, String template) {
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

    /** Whether an iteration's loss and gradient are finite. */
    private static boolean finite(Object[] res) {
        if (!Double.isFinite((Double) res[2])) return false;
        float[] g = (float[]) res[4];
        if (g != null) for (float x : g) if (!Float.isFinite(x)) return false;
        return true;
    }

    private record VResult(float[] targetInit, float[] target, List<float[]> deltas, List<Double> losses, List<Double> probs) { }

    /** compute_v: Adam on δ added to the MLP output at the subject's last token of every prompt. */
    private VResult computeV(Request request, int layer, List<String> ctx) {
        TextTokenizer tok = gpt.tokenizer();
        long[] targetIds = tok.continuation(request.text(), request.targetWithSpace());
        int nT = targetIds.length;
        // each rewriting row is "{context}{prompt}" with the subject, then the target's tokens but the last,
        // joined as ids (the original decodes and re-encodes them; the same ids for GPT-2, and right with
        // sentencepiece, whose decoded pieces lose their leading space)
        long[] targetPrefix = java.util.Arrays.copyOf(targetIds, nT - 1);
        List<String> prompts = new ArrayList<>();
        for (String c : ctx) prompts.add(Request.fill(c, request.prompt()));
        int nRew = prompts.size();
        prompts.add(KL_PROMPT);
        int n = prompts.size();
        List<long[]> seqs = new ArrayList<>();
        int[] lookup = new int[n];
        for (int i = 0; i < n; i++) {
            long[] ids = tok.ids(Request.fill(prompts.get(i), request.subject()));
            if (i < nRew) {
                long[] joined = java.util.Arrays.copyOf(ids, ids.length + targetPrefix.length);
                System.arraycopy(targetPrefix, 0, joined, ids.length, targetPrefix.length);
                ids = joined;
            }
            seqs.add(ids);
            lookup[i] = hp.factToken().equals("last") ? ids.length - 1
                    : lookupIndex(tok, prompts.get(i), request.subject(), hp.factToken());
            checkIndex(lookup[i], seqs.get(i), prompts.get(i));
        }
        Batch batch = Batch.right(seqs, tok.padId());
        int t = batch.tokens();
        // rows of the final hidden state that feed the loss: target positions of rewriting rows, then the KL cell
        long[] lossRows = new long[nRew * nT + 1];
        long[] lossTok = new long[nRew * nT];
        for (int i = 0; i < nRew; i++) {
            int exLen = batch.length(i);
            for (int j = 0; j < nT; j++) {
                lossRows[i * nT + j] = (long) i * t + exLen - nT + j;
                lossTok[i * nT + j] = targetIds[j];
            }
        }
        lossRows[nRew * nT] = (long) nRew * t + lookup[nRew];
        int[] rowsAll = new int[n];
        for (int i = 0; i < n; i++) rowsAll[i] = i;
        Cells cells = Cells.of(rowsAll, lookup);
        Site mlpOut = Site.mlpOut(layer);
        int d = gpt.config().nEmbd();

        float[] delta = new float[d];
        float[] m = new float[d];
        float[] vv = new float[d];
        float[] targetInit = null;
        float[] klInit = null;
        double tiNorm = 0;
        List<float[]> deltas = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        List<Double> probs = new ArrayList<>();
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        for (int it = 0; it < hp.vNumGradSteps(); it++) {
            deltas.add(delta.clone());
            final float[] deltaNow = delta;
            final float[] klRef = klInit;
            final boolean first = targetInit == null;
            final double tiN = tiNorm;
            final int iter = it;
            // scalar operands come from scope.create, not x.mul(0.5f): see Layers.scalar for why
            Object[] res = Autograd.run(gc -> {
                try (NDManager scope = gpt.newScope()) {
                    NDArray dl = scope.create(deltaNow);
                    dl.setRequiresGradient(true);
                    Interventions iv = Interventions.builder()
                            .record(mlpOut)
                            .add(mlpOut, cells, dl)
                            .record(Site.finalNormOut())
                            .stopAfter(Site.finalNormOut())
                            .build();
                    var o = gpt.forward(scope, batch, iv);
                    float[] ti = null;
                    if (first) ti = o.get(mlpOut).get(new NDIndex("0, {}", lookup[0])).toFloatArray();
                    NDArray h = o.get(Site.finalNormOut());
                    NDArray hs = h.reshape((long) n * t, d).get(new NDIndex("{}", scope.create(lossRows)));   // [M, D]
                    NDArray logp = gpt.unembed(hs).logSoftmax(-1);                                          // [M, V]
                    NDArray tgt = logp.get(new NDIndex("0:" + nRew * nT));
                    NDArray picked = tgt.gather(scope.create(lossTok).reshape(nRew * nT, 1), 1).reshape(nRew, nT);
                    NDArray nllEach = picked.sum(new int[] {1}).neg().div(scope.create((float) nT));                            // [nRew]
                    NDArray nll = nllEach.mean();
                    NDArray klLogp = logp.get(new NDIndex(nRew * nT + ":"));                                // [1, V]
                    float[] klNow = first ? klLogp.toFloatArray() : klRef;
                    NDArray init = scope.create(klNow).reshape(1, klNow.length);
                    NDArray kl = klLogp.exp().mul(klLogp.sub(init)).sum().mul(scope.create((float) hp.klFactor()));
                    double tn = first ? Update.norm(ti) : tiN;
                    float tn2 = (float) tn * (float) tn;
                    NDArray loss = nll.add(kl);
                    if (Update.norm(deltaNow) > 0) {
                        loss = loss.add(dl.norm().div(scope.create(tn2)).mul(scope.create((float) hp.vWeightDecay())));
                    }
                    double lossV = loss.getFloat();
                    double prob = nllEach.neg().exp().mean().getFloat();
                    float[] grad = null;
                    if (!(lossV < 5e-2) && iter != hp.vNumGradSteps() - 1) {
                        gc.backward(loss);
                        grad = dl.getGradient().toFloatArray();
                    }
                    return new Object[] {ti, klNow, lossV, prob, grad};
                }
            });
            if (!finite(res)) {
                throw new IllegalStateException("v* search at layer " + layer + " produced a non-finite loss or gradient at iteration "
                        + it + " (loss " + res[2] + "); lower v_lr or check the key statistics");
            }
            if (first) {
                targetInit = (float[]) res[0];
                klInit = (float[]) res[1];
                tiNorm = Update.norm(targetInit);
            }
            double lossV = (Double) res[2];
            losses.add(lossV);
            probs.add((Double) res[3]);
            float[] g = (float[]) res[4];
            if (g == null) break;
            // torch.optim.Adam, single-tensor path, float32 state
            int step = it + 1;
            double bc1 = 1 - Math.pow(b1, step);
            double bc2 = 1 - Math.pow(b2, step);
            float stepSize = (float) (hp.vLr() / bc1);
            float bc2Sqrt = (float) Math.sqrt(bc2);
            float[] nd = new float[d];
            for (int i = 0; i < d; i++) {
                m[i] = m[i] + (float) (1 - b1) * (g[i] - m[i]);
                vv[i] = vv[i] * (float) b2 + (float) (1 - b2) * g[i] * g[i];
                float denom = (float) Math.sqrt(vv[i]) / bc2Sqrt + (float) eps;
                nd[i] = delta[i] + (-stepSize) * (m[i] / denom);
            }
            // project onto ‖δ‖ ≤ clamp_norm_factor·‖v_init‖
            float maxNorm = (float) (hp.clampNormFactor() * (float) tiNorm);
            float dn = (float) Update.norm(nd);
            if (dn > maxNorm) {
                for (int i = 0; i < d; i++) nd[i] = nd[i] * maxNorm / dn;
            }
            delta = nd;
        }
        float[] finalDelta = deltas.get(deltas.size() - 1);
        float[] target = new float[d];
        for (int i = 0; i < d; i++) target[i] = targetInit[i] + finalDelta[i];
        return new VResult(targetInit, target, List.copyOf(deltas), List.copyOf(losses), List.copyOf(probs));
    }
}
