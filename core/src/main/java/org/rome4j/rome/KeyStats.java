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
import org.rome4j.model.Batch;
import org.rome4j.model.Gpt;
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
import java.util.function.BooleanSupplier;

/**
 * The uncentered second moment of the MLP keys at one layer, C = Σ k kᵀ / count, over the non-pad
 * tokens of a corpus (the original's {@code layer_stats} with {@code to_collect=["mom2"]}). Keeps the
 * raw sum, as the original's {@code SecondMoment} does; {@link #moment()} divides.
 *
 * <pre>{@code
 * KeyStats s = KeyStats.collector(gpt, 1).samples(1000).collect(KeyStats.corpus(List.of(Path.of("wiki.txt"))));
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
        String own = System.getenv("ROME4J_CACHE");
        if (own != null && !own.isBlank()) return Path.of(own, "stats");
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("rome4j").resolve("stats");
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
     * (the model name with {@code /} replaced by {@code _}).
     */
    public static Path cachePath(Path statsDir, String model, String dataset, String module, String precision, long n) {
        return statsDir.resolve(model.replace("/", "_")).resolve(dataset + "_stats")
                .resolve(module + "_" + precision + "_mom2_" + n + ".npz");
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

    /**
     * Where the collector's batches start, for documents of these token counts (after truncation to
     * the context; empty ones are skipped), in order: a split of the documents at these indices gives
     * every part the same batches as one pass over all of them, and so the same keys bit for bit
     * (a Spark job splits there, so its result differs from one machine's only by summation order).
     */
    public static int[] batchStarts(int[] lengths, int tokensPerBatch) {
        List<Integer> starts = new ArrayList<>();
        int maxLen = 0;
        int size = 0;
        for (int i = 0; i < lengths.length; i++) {
            int len = lengths[i];
            if (len == 0) continue;
            if (size == 0 || overflows(maxLen, size, len, tokensPerBatch)) {
                starts.add(i);
                size = 0;
                maxLen = 0;
            }
            maxLen = Math.max(maxLen, len);
            size++;
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A collector at a layer; defaults: all documents, 3·context tokens per batch, float32. */
    public static Collector collector(Gpt gpt, int layer) {
        return new Collector(gpt, layer);
    }

    /** Streams keys of a corpus through the model and accumulates Σ k kᵀ. Peak memory: one batch plus F×F. */
    public static final class Collector {
        private final Gpt gpt;
        private final int layer;
        private long samples = Long.MAX_VALUE;
        private int tokensPerBatch;
        private String precision = "float32";
        private ProgressListener listener = ProgressListener.NONE;
        private BooleanSupplier cancelled = () -> false;

        Collector(Gpt gpt, int layer) {
            if (layer < 0 || layer >= gpt.nLayer()) {
                throw new IllegalArgumentException("layer " + layer + " is out of range: " + gpt.name() + " has layers 0–" + (gpt.nLayer() - 1));
            }
            this.gpt = gpt;
            this.layer = layer;
            this.tokensPerBatch = 3 * gpt.config().nPositions();
        }

        /** Documents to use at most (the original's {@code mom2_n_samples}). */
        public Collector samples(long n) {
            if (n < 1) throw new IllegalArgumentException("samples must be >= 1, got " + n);
            this.samples = n;
            return this;
        }

        /** Padded tokens per forward (rows × longest row); at least one document per batch. */
        public Collector tokensPerBatch(int n) {
            if (n < 1) throw new IllegalArgumentException("tokens per batch must be >= 1, got " + n);
            this.tokensPerBatch = n;
            return this;
        }

        /** {@code float32} (the original's default) or {@code float64} accumulation. */
        public Collector precision(String p) {
            if (!p.equals("float32") && !p.equals("float64")) {
                throw new IllegalArgumentException("precision must be float32 or float64, got " + p);
            }
            this.precision = p;
            return this;
        }

        /** Progress in documents. */
        public Collector listener(ProgressListener l) {
            this.listener = l;
            return this;
        }

        /** Checked between batches; when true, collection stops with a {@link CancellationException}. */
        public Collector cancelled(BooleanSupplier c) {
            this.cancelled = c;
            return this;
        }

        /** Collects over documents (text; each truncated to the model's context). */
        public KeyStats collect(Iterator<String> documents) {
            return collectIds(new Iterator<>() {
                @Override public boolean hasNext() { return documents.hasNext(); }
                @Override public long[] next() { return gpt.tokenizer().ids(documents.next()); }
            });
        }

        /** Collects over already tokenized documents (each truncated to the model's context). */
        public KeyStats collectIds(Iterator<long[]> documents) {
            int f = gpt.config().nInner();
            int ctx = gpt.config().nPositions();
            Site site = Site.mlpIn(layer);
            Interventions iv = Interventions.builder().record(site).stopAfter(site).build();
            DataType dt = precision.equals("float32") ? DataType.FLOAT32 : DataType.FLOAT64;
            long total = samples == Long.MAX_VALUE ? -1 : samples;
            long docs = 0;
            long tokens = 0;
            try (NDManager acc = gpt.newScope()) {
                NDArray sum = acc.zeros(new Shape(f, f), dt);
                List<long[]> batch = new ArrayList<>();
                int maxLen = 0;
                while (docs < samples && documents.hasNext()) {
                    long[] ids = documents.next();
                    if (ids.length == 0) continue;
                    if (ids.length > ctx) ids = java.util.Arrays.copyOf(ids, ctx);
                    int newMax = Math.max(maxLen, ids.length);
                    if (overflows(maxLen, batch.size(), ids.length, tokensPerBatch)) {
                        tokens += addBatch(sum, batch, iv, site);
                        listener.update(docs, total, "layer " + layer + " keys: " + tokens + " tokens");
                        batch.clear();
                        newMax = ids.length;
                        if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                            throw new CancellationException("statistics collection cancelled after " + docs + " documents");
                        }
                    }
                    batch.add(ids);
                    maxLen = newMax;
                    docs++;
                }
                if (!batch.isEmpty()) tokens += addBatch(sum, batch, iv, site);
                listener.update(docs, total, "layer " + layer + " keys: " + tokens + " tokens");
                if (tokens == 0) {
                    throw new IllegalArgumentException("the corpus has no tokens: give at least one non-empty document");
                }
                return new KeyStats(tokens, f, sum.toType(DataType.FLOAT64, false).toDoubleArray(), precision);
            }
        }

        private long addBatch(NDArray sum, List<long[]> docs, Interventions iv, Site site) {
            Batch b = Batch.right(docs, gpt.tokenizer().padId());
            int t = b.tokens();
            long[] real = new long[docs.stream().mapToInt(d -> d.length).sum()];
            int k = 0;
            for (int r = 0; r < b.rows(); r++) {
                for (int i = 0; i < b.length(r); i++) real[k++] = (long) r * t + i;
            }
            try (NDManager scope = gpt.newScope()) {
                NDArray keys = gpt.forward(scope, b, iv).get(site);               // [B, T, F]
                long f = keys.getShape().get(2);
                NDArray feats = keys.reshape(b.rows() * (long) t, f).get(new NDIndex("{}", scope.create(real)));
                feats = feats.toType(sum.getDataType(), false);                     // [N, F]
                sum.addi(feats.transpose().matMul(feats));
            }
            return real.length;
        }
    }
}
