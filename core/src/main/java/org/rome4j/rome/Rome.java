package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import org.rome4j.model.Gpt;
import org.rome4j.model.ModelSave;
import org.rome4j.model.UnknownWords;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A ROME editing session on one model: applies rank-one edits exactly as the original code
 * (kmeng01/rome at 0874014: {@code rome_main.py}, {@code compute_u.py}, {@code compute_v.py},
 * {@code repr_tools.py}), keeps them on a stack, and undoes them bit for bit.
 *
 * <pre>{@code
 * try (Gpt gpt = Models.load("tiny-facts")) {
 *     Rome rome = Rome.builder(gpt).setHparams(RomeHparams.preset("tiny-facts"))
 *             .optStats(1, KeyStats.read(Path.of("stats.npz"))).build();
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
    private final Gpt gpt;
    private final RomeHparams hp;
    private final Keys keys;
    private final ValueSearch values;
    private final Predictions predictions;
    private final long seed;
    private final boolean rRome;
    private final boolean measure;
    private List<String> templates;
    private final Deque<Applied> stack = new ArrayDeque<>();
    private int nextId = 1;

    private record Applied(Edit edit, Map<String, NDArray> oldWeights) { }

    private Rome(Builder b) {
        this.gpt = b.gpt;
        this.hp = b.hp;
        this.keys = new Keys(gpt, hp, b.inverses, b.statsSource);
        this.values = new ValueSearch(gpt, hp, b.naiveSchedule);
        this.predictions = new Predictions(gpt, b.topK, b.genTokens);
        this.seed = b.seed;
        this.rRome = b.rRome;
        this.templates = b.templates;
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
        private boolean naiveSchedule;

        private Builder(Gpt gpt) {
            this.gpt = gpt;
        }

        /** Hyper-parameters (required). */
        public Builder setHparams(RomeHparams h) {
            this.hp = h;
            return this;
        }

        /** Key statistics for a layer; C⁻¹ is computed from them once. */
        public Builder optStats(int layer, KeyStats s) {
            s.checkWidth(gpt, null);
            stats.put(layer, s);
            return this;
        }

        /** C⁻¹ for a layer, row-major [F*F] (e.g. from a golden file). */
        public Builder optInverse(int layer, float[] cInv) {
            int f = gpt.config().nInner();
            if (cInv.length != f * f) {
                throw new IllegalArgumentException("inverse statistics for layer " + layer + " have " + cInv.length
                        + " entries but " + gpt.name() + " has MLP width " + f + " (expected " + (long) f * f + ")");
            }
            inverses.put(layer, cInv.clone());
            return this;
        }

        /** Where statistics come from for layers without {@link #optStats}/{@link #optInverse} (e.g. a cache that computes them). */
        public Builder optStatsSource(IntFunction<KeyStats> source) {
            this.statsSource = source;
            return this;
        }

        /** Fixed context templates (each with one {@code {}}); default: sampled with {@link #optSeed}. */
        public Builder optTemplates(List<String> t) {
            this.templates = ContextTemplates.validate(t);
            return this;
        }

        /** Seed of the sampled context templates (default 0). */
        public Builder optSeed(long s) {
            this.seed = s;
            return this;
        }

        /** r-ROME (arXiv 2403.07175): the prefix-averaged key k* also in the update's denominator. */
        public Builder optRRome(boolean on) {
            this.rRome = on;
            return this;
        }

        /** Next-token predictions kept before/after (default 5). */
        public Builder optTopK(int k) {
            this.topK = k;
            return this;
        }

        /** Greedy tokens generated before/after for the edit handle (default 10; 0 for none). */
        public Builder optGenerationTokens(int n) {
            this.genTokens = n;
            return this;
        }

        /** Whether edits measure predictions before and after (default true; off, {@link Edit#pre()} and {@link Edit#post()} are null). */
        public Builder optMeasure(boolean on) {
            this.measure = on;
            return this;
        }

        /**
         * The original's v* schedule, kept for benchmarks and checks (default false): every step runs every
         * layer over every token and projects every position onto the vocabulary, instead of starting at the
         * edited layer from its cached input, after the tokens before the fact tokens (their keys and values
         * cached too), and projecting only the rows the loss reads. Same result up to rounding.
         */
        public Builder optNaiveSchedule(boolean on) {
            this.naiveSchedule = on;
            return this;
        }

        /** Builds the session. */
        public Rome build() {
            if (hp == null) throw new IllegalArgumentException("no hyper-parameters: call setHparams(RomeHparams.preset(...))");
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

    /** Whether this is r-ROME. */
    public boolean rRome() { return rRome; }

    /**
     * This session's method behind {@link Editor}, for batches on an {@link EditStack} (which keeps its own
     * list: batches applied there are not on this session's {@link #edits()}).
     */
    public Editor editor() {
        return new RomeEditor(this);
    }

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
        keys.useStats(layer, s);
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
                checkInterrupted();
                Update u = compute(request, layer);
                updates.add(u);
                NDArray prev = RankOne.apply(gpt, u);
                old.putIfAbsent(u.weightName(), prev);
                if (old.get(u.weightName()) != prev) prev.close();
            }
        } catch (RuntimeException | Error e) {   // Error: a cell stopped by the kernel (ThreadDeath) leaves no half edit
            restore(old);
            throw e;
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Edit.Measure post;
        try {
            post = measure ? measure(request) : null;
            checkInterrupted();   // the last point an interrupt takes the edit back: after it the edit is active
        } catch (RuntimeException | Error e) {   // Error: a cell stopped by the kernel (ThreadDeath) leaves no half edit
            restore(old);
            throw e;
        }
        Edit edit = new Edit(nextId++, request, List.copyOf(updates), pre, post, millis);
        stack.push(new Applied(edit, old));
        return edit;
    }

    /** An interrupted thread (a notebook's interrupt) stops an edit between steps; the weights are restored. */
    /** Reports each v* step of later edits to {@code l} (a progress bar with the time left); null for none. */
    public void progress(org.rome4j.progress.ProgressListener l) {
        values.progress(l);
    }

    static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new java.util.concurrent.CancellationException("edit interrupted: the model is unchanged");
        }
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

    /**
     * One edit tried and taken back: applies {@code request}, runs {@code after} on the edited model, and
     * undoes the edit whatever happens (evaluation's edit / measure / undo).
     *
     * @param edit          the edit that was applied and undone
     * @param after         what {@code after} returned
     * @param applySeconds  time to apply the edit, with the session's before/after measurements
     */
    public record Trial<T>(Edit edit, T after, double applySeconds) { }

    /** Applies {@code request}, runs {@code after} on the edited weights, then undoes the edit (also on failure). */
    public <T> Trial<T> tryEdit(Request request, Function<Edit, T> after) {
        long t0 = System.nanoTime();
        Edit e = apply(request);
        double seconds = (System.nanoTime() - t0) / 1e9;
        try {
            return new Trial<>(e, after.apply(e), seconds);
        } finally {
            undo(e.id());
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
        check(gpt, r);
    }

    /**
     * That {@code r} can be applied to {@code gpt}: the subject is in the prompt and the target has tokens the model knows.
     * Commands call it before computing statistics, so a bad request fails at once.
     *
     * @throws IllegalArgumentException with a one-line message naming the fix
     */
    public static void check(Gpt gpt, Request r) {
        String text = r.text();
        if (!text.contains(r.subject())) {
            throw new IllegalArgumentException("subject \"" + r.subject() + "\" is not in the prompt \"" + text + "\"");
        }
        if (gpt.tokenizer().continuation(text, r.targetWithSpace()).length == 0) {
            throw new IllegalArgumentException("target \"" + r.targetNew() + "\" encodes to no tokens: give a non-empty target");
        }
        UnknownWords.checkTarget(gpt, r.targetWithSpace(), r.targetNew());
    }

    /** Predictions for a request's prompt on the current weights. */
    public Edit.Measure measure(Request r) {
        return predictions.of(r);
    }

    /** P(continuation | prompt): the product of the continuation's token probabilities. */
    public double sequenceProb(long[] prompt, long[] continuation) {
        return Predictions.sequenceProb(gpt, prompt, continuation);
    }

    /**
     * The update for one layer on the current weights (nothing is changed): k* and u ({@link Keys}), v*
     * ({@link ValueSearch}), and v from the prompt's own key and output ({@link RankOne}).
     */
    public Update compute(Request request, int layer) {
        checkLayer(gpt, layer);
        check(request);
        String weight = rewritten(layer);
        List<String> ctx = templates();
        ValueSearch.Result vr = values.run(request, layer, ctx);
        // the cached v* schedule passes every template's fact token and returns their keys; the naive one, k*'s own run
        Keys.Key key = vr.keys() != null ? keys.of(vr.keys(), layer) : keys.at(request, layer, ctx);
        Keys.KeyAndOutput cur = rRome ? new Keys.KeyAndOutput(key.kMean(), key.meanOutput()) : keys.ofPrompt(request, layer);
        float[] v = RankOne.rightVector(gpt, key.u(), cur.key(), cur.output(), vr.target(), layer);
        double wNorm = Update.norm(key.u()) * Update.norm(v);
        return new Update(layer, weight, key.u(), v, key.kMean(), key.keys(), key.keyIndices(), cur.key(), cur.output(),
                vr.targetInit(), vr.target(), vr.deltas(), vr.losses(), vr.probs(), wNorm);
    }
}
