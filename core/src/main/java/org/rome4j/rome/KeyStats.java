package org.rome4j.rome;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rome4j.data.Corpus;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.io.Npy;
import org.rome4j.io.Npz;
import org.rome4j.io.PathNames;
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
import org.rome4j.progress.CancellationToken;
import org.rome4j.progress.ProgressListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * The uncentered second moment of the MLP keys at one layer, C = Σ k kᵀ / count, over the non-pad
 * tokens of a corpus (the original's {@code layer_stats} with {@code to_collect=["mom2"]}). Keeps the
 * raw sum, as the original's {@code SecondMoment} does; {@link #moment()} divides.
 *
 * <pre>{@code
 * KeyStats s = KeyStats.collector(gpt, 1).optSamples(1000).collect(KeyStats.corpus(List.of(Path.of("wiki.txt"))));
 * s.write(Path.of("stats.npz"));          // keys mom2.count, mom2.mom2, like the original
 * float[] cInv = s.inverse();            // [F*F] row-major, torch.inverse of the float32 moment
 * }</pre>
 *
 * @param count     tokens seen
 * @param width     key width F
 * @param sum       Σ k kᵀ, [F*F] row-major (widened to double; exact for float32 accumulation)
 * @param precision {@code float32} or {@code float64}: the accumulation type
 */
public record KeyStats(long count, int width, double[] sum, String precision) {
    /**
     * Where computed statistics are cached when no folder is given: {@code ROME4J_CACHE/stats}, else
     * {@code $XDG_CACHE_HOME/rome4j/stats}, else {@code ~/.cache/rome4j/stats}; never inside a checkout.
     */
    public static Path defaultCacheDir() {
        return org.rome4j.io.CacheDirs.rome4j("stats");
    }

    /** The corpus formats {@link #corpus} reads, for help texts and errors. */
    public static final String CORPUS_FORMATS = "accepted corpus formats: " + Corpus.ACCEPTED;

    /** Checks the shape. */
    public KeyStats {
        if ((long) width * width != sum.length) {
            throw new IllegalArgumentException("statistics sum has " + sum.length + " entries, expected " + width + "×" + width);
        }
        if (count <= 0) throw new IllegalArgumentException("statistics over zero tokens: give a non-empty corpus");
    }

    /** C = sum / count, computed in the accumulation precision (float32 as {@code mom2 / count} in torch). */
    public double[] moment() {
        double[] m = new double[sum.length];
        boolean f32 = precision.equals("float32");
        for (int i = 0; i < m.length; i++) {
            m[i] = f32 ? (double) ((float) sum[i] / (float) count) : sum[i] / count;
        }
        return m;
    }

    /**
     * C⁻¹ as the original's {@code get_inv_cov}: {@code torch.inverse(C).float()}, C in the accumulation
     * precision. Row-major [F*F] float32.
     */
    public float[] inverse() {
        double[] m = moment();
        try (NDManager mgr = NDManager.newBaseManager()) {
            NDArray c = precision.equals("float32")
                    ? mgr.create(toFloat(m), new Shape(width, width))
                    : mgr.create(m, new Shape(width, width));
            return c.inverse().toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** Statistics from a given moment matrix C (e.g. a golden file), as if over {@code count} tokens. */
    public static KeyStats ofMoment(double[] moment, int width, long count, String precision) {
        double[] s = new double[moment.length];
        for (int i = 0; i < s.length; i++) s[i] = moment[i] * count;
        return new KeyStats(count, width, s, precision);
    }

    // ---------------------------------------------------------------- files

    /**
     * The original's cache path: {@code {statsDir}/{model}/{dataset}_stats/{module}_{precision}_mom2_{n}.npz}
     * (the model name with {@code /} replaced by {@code _}; without {@code _{n}} when {@code n <= 0}, the whole
     * corpus, as the original names a run without a sample size).
     */
    public static Path cachePath(Path statsDir, String model, String dataset, String module, String precision, long n) {
        // every part is one plain file name, so the file stays inside statsDir (a name like ../x or /abs is refused)
        return statsDir.resolve(PathNames.element(model.replace("/", "_"), "model name"))
                .resolve(PathNames.element(PathNames.element(dataset, "statistics data set name") + "_stats", "statistics data set name"))
                .resolve(PathNames.element(PathNames.element(module, "module") + "_" + PathNames.element(precision, "precision")
                        + "_mom2" + (n > 0 ? "_" + n : "") + ".npz", "statistics file name"));
    }

    /** Writes the original's layout: {@code mom2.count} (int64), {@code mom2.mom2} (raw sum) and constructors. */
    public void write(Path file) throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("constructor", Npy.encodeString("util.runningstats.CombinedStat()"));
        e.put("mom2.constructor", Npy.encodeString("util.runningstats.SecondMoment()"));
        e.put("mom2.count", Npy.encodeLong(new long[0], new long[] {count}));
        long[] shape = {width, width};
        e.put("mom2.mom2", precision.equals("float32") ? Npy.encodeFloat(shape, toFloat(sum)) : Npy.encodeDouble(shape, sum));
        Npz.write(file, e);
    }

    /**
     * Reads a {@code .npz} in the original's layout ({@code mom2.count}, {@code mom2.mom2}) or with plain
     * keys {@code count}, {@code mom2} (same meaning: raw sum and token count).
     */
    public static KeyStats read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("statistics file not found: " + file + "; compute it with rome4j stats");
        }
        Map<String, Npy.Array> m = Npz.read(file, Set.of("mom2.count", "mom2.mom2", "count", "mom2"));
        Npy.Array count = m.containsKey("mom2.count") ? m.get("mom2.count") : m.get("count");
        Npy.Array mom2 = m.containsKey("mom2.mom2") ? m.get("mom2.mom2") : m.get("mom2");
        if (count == null || mom2 == null) {
            throw new IllegalArgumentException(file + " has no second-moment statistics: expected keys mom2.count and "
                    + "mom2.mom2 (or count and mom2); found " + Npz.keys(file));
        }
        if (mom2.shape().length != 2 || mom2.shape()[0] != mom2.shape()[1]) {
            throw new IllegalArgumentException(file + ": mom2 must be a square matrix, got " + java.util.Arrays.toString(mom2.shape()));
        }
        String precision = mom2.dtype().equals("<f8") ? "float64" : "float32";
        return new KeyStats((long) count.data()[0], (int) mom2.shape()[0], mom2.data(), precision);
    }

    /** Checks that these statistics fit a model's key width. */
    public KeyStats checkWidth(Gpt gpt, Path source) {
        int f = gpt.config().nInner();
        if (width != f) {
            throw new IllegalArgumentException("statistics " + (source == null ? "" : source + " ") + "are for key width " + width
                    + " but " + gpt.name() + " has MLP width " + f + ": compute them for this model with rome4j stats");
        }
        return this;
    }

    // ---------------------------------------------------------------- corpus

    /**
     * Documents of text files, streamed: plain text ({@code .txt}, one document per line, blank lines
     * skipped) or JSON lines ({@code .jsonl}/{@code .json}) with a {@code text} field ({@link Corpus}).
     */
    public static Iterator<String> corpus(List<Path> files) {
        return Corpus.of(files).documents();
    }

    // ---------------------------------------------------------------- collection

    /** Whether a document of {@code len} tokens starts a new batch after {@code batchSize} documents of at most {@code maxLen}. */
    private static boolean overflows(int maxLen, int batchSize, int len, int tokensPerBatch) {
        return batchSize > 0 && (long) Math.max(maxLen, len) * (batchSize + 1) > tokensPerBatch;
    }

    /** Real tokens per group, in batches' worth: the collector sorts a group's documents by length before batching. */
    static final int GROUP_BATCHES = 8;

    /** Whether a document of {@code len} tokens starts a new group after {@code size} documents of {@code groupTokens} tokens. */
    private static boolean closesGroup(long groupTokens, int size, int len, int tokensPerBatch) {
        return size > 0 && groupTokens + len > (long) GROUP_BATCHES * tokensPerBatch;
    }

    /**
     * Where the collector's groups start, for documents of these token counts (after truncation to the
     * context; empty ones are skipped), in order. The collector reads documents in groups of about
     * {@value #GROUP_BATCHES} batches' worth of tokens, sorts each group by length (longest first, as the
     * original's {@code length_collation} sorts its loader batches) and batches it, so a batch pads little.
     * A split of the documents at these indices gives every part the same batches as one pass over all of
     * them, and so the same keys bit for bit (a Spark job splits there, so its result differs from one
     * machine's only by summation order).
     */
    public static int[] batchStarts(int[] lengths, int tokensPerBatch) {
        List<Integer> starts = new ArrayList<>();
        long groupTokens = 0;
        int size = 0;
        for (int i = 0; i < lengths.length; i++) {
            int len = lengths[i];
            if (len == 0) continue;
            if (size == 0 || closesGroup(groupTokens, size, len, tokensPerBatch)) {
                starts.add(i);
                size = 0;
                groupTokens = 0;
            }
            groupTokens += len;
            size++;
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A collector at one layer; defaults: all documents, 3·context tokens per batch, float32. */
    public static Collector collector(Gpt gpt, int layer) {
        return new Collector(gpt, List.of(layer));
    }

    /**
     * A collector at several layers in one pass: one forward per batch, stopped after the deepest
     * layer's keys, records every requested layer's keys.
     */
    public static Collector collector(Gpt gpt, List<Integer> layers) {
        return new Collector(gpt, layers);
    }

    /**
     * The file the original would cache this layer's statistics under ({@link #cachePath}), for this
     * model's edited module (e.g. {@code transformer.h.17.mlp.c_proj}).
     */
    public static Path cachePath(Path statsDir, Gpt gpt, String model, String dataset, int layer, String precision, long n) {
        String module = gpt.architecture().moduleTemplates(gpt.config()).get("rewrite_module_tmp").replace("{}", Integer.toString(layer));
        return cachePath(statsDir, model, dataset, module, precision, n);
    }

    /**
     * Streams keys of a corpus through the model and accumulates Σ k kᵀ at each requested layer. Peak
     * memory: one batch plus one F×F sum per layer; the forward stops after the deepest layer's keys.
     *
     * <pre>{@code
     * Map<Integer, KeyStats> s = KeyStats.collector(gpt, List.of(5, 17)).optPrecision("float64")
     *         .optCheckpoint(Path.of("stats.ckpt.npz"), 5000)
     *         .collectLayers(Corpus.of(List.of(Path.of("wiki.parquet"))), 100_000, 1);
     * }</pre>
     */
    public static final class Collector {
        private final Gpt gpt;
        private final int[] layers;
        private long samples = Long.MAX_VALUE;
        private int tokensPerBatch;
        private String precision = "float32";
        private ProgressListener listener = ProgressListener.NONE;
        private CancellationToken cancel = CancellationToken.NONE;
        private Path checkpoint;
        private int checkpointEvery;

        Collector(Gpt gpt, List<Integer> layers) {
            if (layers.isEmpty()) throw new IllegalArgumentException("no layers: give at least one layer 0–" + (gpt.nLayer() - 1));
            for (int layer : layers) {
                if (layer < 0 || layer >= gpt.nLayer()) {
                    throw new IllegalArgumentException("layer " + layer + " is out of range: " + gpt.name() + " has layers 0–" + (gpt.nLayer() - 1));
                }
            }
            this.gpt = gpt;
            this.layers = layers.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
            // the original's batch_tokens; fewer per batch measured slower here (2730 for GPT-2: 0.86x as many tokens/s)
            this.tokensPerBatch = 3 * gpt.config().nPositions();
        }

        /** Documents to use at most, the first ones of what {@code collect} is given (a seeded sample: {@link #collectLayers(Corpus, long, long)}). */
        public Collector optSamples(long n) {
            if (n < 1) throw new IllegalArgumentException("samples must be >= 1, got " + n);
            this.samples = n;
            return this;
        }

        /** Padded tokens per forward (rows × longest row); at least one document per batch. */
        public Collector optTokensPerBatch(int n) {
            if (n < 1) throw new IllegalArgumentException("tokens per batch must be >= 1, got " + n);
            this.tokensPerBatch = n;
            return this;
        }

        /** {@code float32} (the original's default) or {@code float64} accumulation. */
        public Collector optPrecision(String p) {
            if (!p.equals("float32") && !p.equals("float64")) {
                throw new IllegalArgumentException("precision must be float32 or float64, got " + p);
            }
            this.precision = p;
            return this;
        }

        /** Progress in documents, after each group of batches ({@link #batchStarts}). */
        public Collector optListener(ProgressListener l) {
            this.listener = l;
            return this;
        }

        /**
         * Checked between groups of batches; when cancelled, collection stops with a {@link CancellationException}
         * (after writing a checkpoint, when {@link #optCheckpoint} is set).
         */
        public Collector optCancellation(CancellationToken c) {
            this.cancel = c;
            return this;
        }

        /**
         * Saves the running sums to {@code file} (atomically: a temporary file moved into place) after the
         * group of batches that completes every {@code everyDocuments} documents, and when cancelled; a later run with
         * the same arguments (model, layers, precision, batch size, corpus files with their sizes, sample and
         * seed) resumes from it and gives the same sums bit for bit. A checkpoint of any other run is
         * ignored (and replaced). Removed when the run completes. Only {@link #collectLayers(Corpus, long, long)}
         * checkpoints: its files identify the documents.
         */
        public Collector optCheckpoint(Path file, int everyDocuments) {
            if (everyDocuments < 1) throw new IllegalArgumentException("checkpoint interval must be >= 1 document, got " + everyDocuments);
            this.checkpoint = file;
            this.checkpointEvery = everyDocuments;
            return this;
        }

        /** The layers, ascending. */
        public List<Integer> layers() {
            return java.util.Arrays.stream(layers).boxed().toList();
        }

        /** Collects at the one layer over documents (text; each truncated to the model's context). */
        public KeyStats collect(Iterator<String> documents) {
            return single(collectLayers(documents));
        }

        /** Collects at the one layer over already tokenized documents (each truncated to the model's context). */
        public KeyStats collectIds(Iterator<long[]> documents) {
            return single(collectLayersIds(documents));
        }

        /** Collects at every layer over documents, by layer. */
        public Map<Integer, KeyStats> collectLayers(Iterator<String> documents) {
            return run(texts(documents), null, samples == Long.MAX_VALUE ? -1 : samples);
        }

        /** Collects at every layer over already tokenized documents, by layer. */
        public Map<Integer, KeyStats> collectLayersIds(Iterator<long[]> documents) {
            return run(new Documents() {
                @Override public boolean hasNext() { return documents.hasNext(); }
                @Override public long[] next() { return documents.next(); }
                @Override public void skip() { documents.next(); }
            }, null, samples == Long.MAX_VALUE ? -1 : samples);
        }

        /**
         * Collects at every layer over a corpus: the original's seeded sample of {@code samples} documents
         * ({@link Corpus#sample}, all when {@code samples <= 0} or the corpus has fewer), read in file order
         * and streamed. With {@link #optCheckpoint} an interrupted run resumes.
         */
        public Map<Integer, KeyStats> collectLayers(Corpus corpus, long samples, long seed) {
            String source = corpus.fingerprint() + "samples " + Math.max(samples, 0) + " seed " + seed;
            long count = corpus.count();          // one pass over the files, for the sample and the progress total
            if (samples <= 0) return run(texts(corpus.documents()), source, Math.min(count, this.samples));
            long[] keep = Corpus.sampleIndices(count, samples, seed);
            return run(texts(corpus.documents(keep)), source, Math.min(keep.length, this.samples));
        }

        private KeyStats single(Map<Integer, KeyStats> byLayer) {
            if (layers.length != 1) throw new IllegalStateException("this collector has layers " + layers() + ": use collectLayers");
            return byLayer.get(layers[0]);
        }

        private Documents texts(Iterator<String> documents) {
            return new Documents() {
                @Override public boolean hasNext() { return documents.hasNext(); }
                @Override public long[] next() { return gpt.tokenizer().ids(documents.next()); }
                @Override public void skip() { documents.next(); }     // resumed: read, not tokenized
            };
        }

        /** What a checkpoint is keyed to: everything that changes the sums. */
        private String runKey(String source) {
            return "model " + gpt.name() + " " + gpt.config() + " weights " + gpt.parameters().type() + "\nlayers " + layers() + " precision " + precision
                    + " tokens/batch " + tokensPerBatch + " max docs " + samples + "\n" + source;
        }

        private Map<Integer, KeyStats> run(Documents documents, String source, long total) {
            int f = gpt.config().nInner();
            int ctx = gpt.config().nPositions();
            Site[] sites = new Site[layers.length];
            for (int i = 0; i < layers.length; i++) sites[i] = Site.mlpIn(layers[i]);
            // the forward stops after the deepest layer's keys: nothing above it is computed
            Interventions iv = Interventions.builder().record(sites).stopAfter(sites[sites.length - 1]).build();
            DataType dt = precision.equals("float32") ? DataType.FLOAT32 : DataType.FLOAT64;
            StatsCheckpoint ckpt = checkpoint != null && source != null ? new StatsCheckpoint(checkpoint, runKey(source)) : null;
            try (NDManager acc = gpt.newScope()) {
                SecondMoment[] sums = new SecondMoment[layers.length];
                StatsCheckpoint.State state = ckpt == null ? null : ckpt.load(layers, f, precision);
                long consumed = 0;     // items taken from the iterator (empty documents included)
                long docs = 0;
                long tokens = 0;
                for (int i = 0; i < layers.length; i++) {
                    sums[i] = new SecondMoment(acc, f, dt, state == null ? null : state.sums().get(layers[i]));
                }
                if (state != null) {
                    consumed = state.consumed();
                    docs = state.docs();
                    tokens = state.tokens();
                    for (long k = 0; k < consumed; k++) documents.skip();
                    listener.update(docs, total, "resumed from checkpoint " + checkpoint + " at " + docs + " documents");
                }
                long lastSaved = docs;
                long pending = 0;      // items taken since the last batch was added, before the current one
                List<long[]> group = new ArrayList<>();
                long groupTokens = 0;
                while (docs < samples && documents.hasNext()) {
                    long[] ids = documents.next();
                    if (ids.length == 0) {
                        pending++;
                        continue;
                    }
                    if (ids.length > ctx) ids = java.util.Arrays.copyOf(ids, ctx);
                    if (closesGroup(groupTokens, group.size(), ids.length, tokensPerBatch)) {
                        tokens += addGroup(sums, group, iv, sites);
                        consumed += pending;
                        pending = 0;
                        listener.update(docs, total, "layers " + layers() + " keys: " + tokens + " tokens");
                        group.clear();
                        groupTokens = 0;
                        boolean stop = cancel.isRequested();
                        if (ckpt != null && (stop || docs - lastSaved >= checkpointEvery)) {
                            ckpt.save(sums(sums), consumed, docs, tokens, layers, precision);
                            lastSaved = docs;
                        }
                        if (stop) {
                            throw new CancellationException("statistics collection cancelled after " + docs + " documents"
                                    + (ckpt != null ? "; the checkpoint " + checkpoint + " resumes it" : ""));
                        }
                    }
                    group.add(ids);
                    groupTokens += ids.length;
                    docs++;
                    pending++;
                }
                if (!group.isEmpty()) tokens += addGroup(sums, group, iv, sites);
                listener.update(docs, total, "layers " + layers() + " keys: " + tokens + " tokens");
                if (tokens == 0) {
                    throw new IllegalArgumentException("the corpus has no tokens: give at least one non-empty document");
                }
                Map<Integer, KeyStats> out = new java.util.TreeMap<>();
                for (int i = 0; i < layers.length; i++) {
                    out.put(layers[i], new KeyStats(tokens, f, sums[i].sum(), precision));
                }
                if (ckpt != null) ckpt.delete();
                return out;
            }
        }

        /**
         * Adds a group's keys: its documents sorted by length, longest first (stable), in batches of at most
         * {@code tokensPerBatch} padded tokens, so that rows in a batch have about the same length and little
         * of the forward is spent on padding. Returns the group's token count.
         */
        private static double[][] sums(SecondMoment[] sums) {
            double[][] out = new double[sums.length][];
            for (int i = 0; i < sums.length; i++) out[i] = sums[i].sum();
            return out;
        }

        private long addGroup(SecondMoment[] sums, List<long[]> group, Interventions iv, Site[] sites) {
            List<long[]> sorted = new ArrayList<>(group);
            sorted.sort((x, y) -> Integer.compare(y.length, x.length));
            long n = 0;
            List<long[]> batch = new ArrayList<>();
            int maxLen = 0;
            for (long[] ids : sorted) {
                if (overflows(maxLen, batch.size(), ids.length, tokensPerBatch)) {
                    n += addBatch(sums, batch, iv, sites);
                    batch.clear();
                    maxLen = 0;
                }
                batch.add(ids);
                maxLen = Math.max(maxLen, ids.length);
            }
            return n + addBatch(sums, batch, iv, sites);
        }

        /** Adds one batch's keys at every layer; returns its real (non-pad) token count. */
        private long addBatch(SecondMoment[] sums, List<long[]> docs, Interventions iv, Site[] sites) {
            Batch b = Batch.right(docs, gpt.tokenizer().padId());
            DataType dt = precision.equals("float32") ? DataType.FLOAT32 : DataType.FLOAT64;
            try (NDManager scope = gpt.newScope()) {
                Map<Site, NDArray> recorded = gpt.forward(scope, b, iv).recorded();
                long n = 0;
                for (int i = 0; i < sites.length; i++) {
                    NDArray feats = realTokens(b, recorded.get(sites[i])).toType(dt, false);   // [N, F]
                    sums[i].add(feats);
                    n = feats.getShape().get(0);
                }
                return n;
            }
        }
    }

    /**
     * The rows of a right-padded batch's activations at its real (non-pad) tokens, row by row: [B, T, F]
     * to [N, F], in the activations' manager.
     */
    public static NDArray realTokens(Batch b, NDArray x) {
        int t = b.tokens();
        int n = 0;
        for (int r = 0; r < b.rows(); r++) n += b.length(r);
        long f = x.getShape().get(2);
        if (n == b.rows() * t) return x.reshape(n, f);      // no padding (e.g. rows cut to the context): nothing to drop
        long[] real = new long[n];
        int k = 0;
        for (int r = 0; r < b.rows(); r++) {
            for (int i = 0; i < b.length(r); i++) real[k++] = (long) r * t + i;
        }
        return x.reshape(b.rows() * (long) t, f).get(new NDIndex("{}", x.getManager().create(real)));
    }

    /** A source of tokenized documents that can also pass over one without tokenizing it (when resuming). */
    private interface Documents {
        boolean hasNext();

        long[] next();

        void skip();
    }
}
