package org.rome4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.rome4j.data.FactData;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.GptConfig;
import org.rome4j.model.Models;
import org.rome4j.model.RandomCheckpoint;
import org.rome4j.rome.KeyStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Benchmark (not a test): key-statistics throughput in tokens per second, rome4j's collector against the
 * original's {@code layer_stats} schedule re-implemented in the same process on the same engine, on randomly
 * initialised checkpoints of GPT-2 small's shape (12 × 768, F = 3072) and GPT-2 XL's (48 × 1600, F = 6400).
 *
 * <p>The original's schedule, as {@code rome/layer_stats.py} runs it: the loader hands over 100 texts at a time;
 * {@code length_collation(batch_tokens = 3 · n_ctx)} sorts them longest first and cuts batches where
 * {@code width · (rows + 1) > batch_tokens}; each batch runs the model until {@code mlp.c_proj} of the layer has run
 * ({@code Trace(..., stop=True)} on that module); the inputs of {@code c_proj} at non-pad positions are cast to the
 * accumulation type and {@code mom2 += a.t().mm(a)} (ROME's {@code mom2_dtype} is float32). Both schedules get the
 * same tokenized documents, truncated to the context (the original tokenizes in its loader's worker processes, in
 * parallel with the model, so tokenizing is timed separately). The collector differs in its schedule only: larger
 * sorted groups (less padding), the forward stopped at the keys, and Σ kᵀk over the upper-triangular blocks. Runs alternate (ABAB, the order flipping each round) and the
 * medians are printed; before timing, C of both is computed in float64 and compared.
 *
 * <p>Run: {@code java -cp kernel-ext/target/rome4j.jar:tools/target/rome4j-tools.jar org.rome4j.bench.StatsBenchmark
 * [WORK_DIR]} (or with {@code tools/target/classes:core/target/classes} and core's dependency classpath); WORK_DIR
 * (default the temp folder) holds the random checkpoints (GPT-2 XL's is 5.9 GB, written once, about a minute). The tokenizer is the embedded tiny-facts
 * model's (vocabulary 2,627: the vocabulary changes only the embedding table, no cost the statistics see) and the
 * corpus is the shipped known_1000 facts' sentences, so it runs on a fresh clone. Properties:
 * {@code rome4j.bench.shapes} ({@code small,xl}), {@code rome4j.bench.layer} (5), {@code rome4j.bench.reps} (3),
 * {@code rome4j.bench.threads} (the engine's default, the cores), {@code rome4j.bench.tokens.small} (6000) and
 * {@code rome4j.bench.tokens.xl} (4000): the corpus's first documents up to that many tokens (fewer than one batch's worth
 * leaves the collector nothing to sort: 1500 XL tokens measured 1.0x);
 * {@code rome4j.bench.corpus}: {@code sentences} (default: each fact sentence a document, about 10 tokens, like the
 * short golden corpus the issue measured), {@code documents} (sentences joined into documents of 1 to 200
 * sentences, cut to the context, a Wikipedia-like mix of lengths) or a .txt file (one document per line);
 * {@code rome4j.bench.tokenizer}: another model folder whose tokenizer and vocabulary size to use (e.g. one holding GPT-2's).
 */
public final class StatsBenchmark {
    private StatsBenchmark() { }

    /** Largest relative difference (to C's largest entry) allowed between the two schedules' float64 C: the keys are the same
     * float32 forward over differently shaped batches, so they differ by rounding (~1e-7 relative), never by a token. */
    static final double TOLERANCE = 1e-5;

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        Djl.init();
        Path work = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        int layer = Integer.getInteger("rome4j.bench.layer", 5);
        int reps = Integer.getInteger("rome4j.bench.reps", 3);
        String corpus = System.getProperty("rome4j.bench.corpus", "sentences");
        Path tokenizer = Path.of(System.getProperty("rome4j.bench.tokenizer", Models.resolve(Models.DEFAULT).toString()));
        List<String> texts = texts(corpus);
        // the tokenizer's model's vocabulary size: the random checkpoint must cover every id it gives
        int vocab = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tokenizer.resolve("config.json").toFile()).get("vocab_size").asInt();
        boolean ok = true;
        for (String shape : System.getProperty("rome4j.bench.shapes", "small,xl").split(",")) {
            GptConfig cfg = shape.strip().equals("xl") ? GptConfig.gpt2(48, 1600, 25, 1024, vocab) : GptConfig.gpt2(12, 768, 12, 1024, vocab);
            int budget = Integer.getInteger("rome4j.bench.tokens." + shape.strip(), shape.strip().equals("xl") ? 4000 : 6000);
            Path dir = work.resolve("rome4j-stats-" + shape.strip() + "-" + cfg.nLayer() + "x" + cfg.nEmbd() + "-v" + vocab);
            if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
                System.out.println("writing a random " + shape.strip() + "-shaped checkpoint to " + dir + " ...");
                RandomCheckpoint.write(dir, cfg, 0, tokenizer);
            }
            try (Gpt gpt = Gpt.load(dir)) {
                ok &= run(shape.strip(), gpt, texts, corpus, layer, budget, reps);
            }
        }
        if (!ok) {
            System.out.println("FAILED: the collector's C differs from the original schedule's by more than " + TOLERANCE);
            System.exit(1);
        }
    }

    private static boolean run(String shape, Gpt gpt, List<String> texts, String corpus, int layer, int budget, int reps) {
        Integer threads = Integer.getInteger("rome4j.bench.threads");
        if (threads != null) JniUtils.setNumThreads(threads);
        GptConfig cfg = gpt.config();
        int ctx = cfg.nPositions();
        long t0 = System.nanoTime();
        List<long[]> ids = new ArrayList<>();
        long tokens = 0;
        for (String t : texts) {
            if (tokens >= budget) break;
            long[] d = gpt.tokenizer().ids(t);
            if (d.length > ctx) d = Arrays.copyOf(d, ctx);
            ids.add(d);
            tokens += d.length;
        }
        double tokSecs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%n%s shape (%d layers, width %d, F %d), layer %d, %s corpus: %d documents, %d tokens (tokenized in %.2f s); "
                        + "%d engine threads; collector %d tokens per batch, original 3 x %d; load %s%n",
                shape, cfg.nLayer(), cfg.nEmbd(), cfg.nInner(), layer, corpus, ids.size(), tokens, tokSecs, JniUtils.getNumThreads(),
                3 * ctx, ctx, loadAverage());

        double[] want = original(gpt, ids, layer, DataType.FLOAT64);
        double[] got = KeyStats.collector(gpt, layer).optPrecision("float64").collectIds(ids.iterator()).sum();
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < want.length; i++) {
            diff = Math.max(diff, Math.abs(want[i] - got[i]));
            scale = Math.max(scale, Math.abs(want[i]));
        }
        System.out.printf("  C (float64) collector vs original schedule: max difference %.2e of the largest entry (tolerance %.0e)%n",
                diff / scale, TOLERANCE);

        List<long[]> warm = ids.subList(0, Math.max(1, ids.size() / 8));
        original(gpt, warm, layer, DataType.FLOAT32);
        KeyStats.collector(gpt, layer).collectIds(warm.iterator());
        Runnable orig = () -> original(gpt, ids, layer, DataType.FLOAT32);
        Runnable ours = () -> KeyStats.collector(gpt, layer).collectIds(ids.iterator());
        double[][] tOrig = new double[2][reps];
        double[][] tOurs = new double[2][reps];
        for (int r = 0; r < reps; r++) {
            // the order flips each round, so a load change between the two halves does not favour one side
            if (r % 2 == 0) {
                time(orig, tOrig, r);
                time(ours, tOurs, r);
            } else {
                time(ours, tOurs, r);
                time(orig, tOrig, r);
            }
            System.out.printf("  round %d: original %.1f s (%.1f s CPU), collector %.1f s (%.1f s CPU)%n", r + 1, tOrig[0][r], tOrig[1][r],
                    tOurs[0][r], tOurs[1][r]);
        }
        double o = median(tOrig[0]);
        double c = median(tOurs[0]);
        double oc = median(tOrig[1]);
        double cc = median(tOurs[1]);
        System.out.printf("  %s: original schedule %.0f tokens/s, rome4j collector %.0f tokens/s, ratio %.2fx; per CPU second %.0f and %.0f "
                + "tokens, ratio %.2fx (medians of %d; load %s)%n", shape, tokens / o, tokens / c, o / c, tokens / oc, tokens / cc, oc / cc,
                reps, loadAverage());
        return diff / scale <= TOLERANCE;
    }

    /** The known_1000 facts' sentences, as documents of the chosen kind, or a text file's lines. */
    static List<String> texts(String corpus) throws Exception {
        if (corpus.endsWith(".txt")) return Files.readAllLines(Path.of(corpus)).stream().filter(l -> !l.isBlank()).toList();
        List<String> sentences = new ArrayList<>();
        for (FactData.Fact f : FactData.loadBundled().facts()) sentences.add(FactData.literal(f).text() + ".");
        if (corpus.equals("sentences")) return sentences;
        if (!corpus.equals("documents")) throw new IllegalArgumentException("rome4j.bench.corpus: sentences, documents or a .txt file");
        List<String> docs = new ArrayList<>();
        Random rng = new Random(1);
        for (int i = 0; docs.size() < 1000; ) {
            StringBuilder d = new StringBuilder();
            for (int n = 1 + rng.nextInt(200); n > 0; n--, i++) d.append(d.isEmpty() ? "" : " ").append(sentences.get(i % sentences.size()));
            docs.add(d.toString());
        }
        return docs;
    }

    /**
     * The original's schedule ({@code layer_stats} with {@code to_collect=["mom2"]}): loader batches of 100 texts, each
     * sorted longest first and cut by {@code length_collation(3 · n_ctx)}; the forward runs through the layer's
     * {@code mlp.c_proj} and stops; one full {@code kᵀk} per batch added to the sum in {@code dt}. Returns the sum.
     */
    static double[] original(Gpt gpt, List<long[]> ids, int layer, DataType dt) {
        int batchTokens = 3 * gpt.config().nPositions();
        Site keys = Site.mlpIn(layer);
        Interventions iv = Interventions.builder().record(keys).stopAfter(Site.mlpOut(layer)).build();
        int f = gpt.config().nInner();
        try (NDManager acc = gpt.newScope()) {
            NDArray mom2 = acc.zeros(new Shape(f, f), dt);
            for (int g = 0; g < ids.size(); g += 100) {
                List<long[]> items = new ArrayList<>(ids.subList(g, Math.min(ids.size(), g + 100)));
                items.sort((x, y) -> Integer.compare(y.length, x.length));
                List<List<long[]>> batches = new ArrayList<>();
                List<long[]> batch = new ArrayList<>();
                int width = 0;
                for (long[] item : items) {
                    if (item.length == 0) break;
                    if ((long) width * (batch.size() + 1) > batchTokens) {
                        batches.add(batch);
                        batch = new ArrayList<>();
                        width = 0;
                    }
                    if (batch.isEmpty()) width = item.length;
                    batch.add(item);
                }
                if (!batch.isEmpty()) batches.add(batch);
                for (List<long[]> docs : batches) {
                    Batch b = Batch.right(docs, gpt.tokenizer().padId());
                    try (NDManager scope = gpt.newScope()) {
                        NDArray a = KeyStats.realTokens(b, gpt.forward(scope, b, iv).recorded().get(keys)).toType(dt, false);
                        mom2.addi(a.transpose().matMul(a));
                    }
                }
            }
            return mom2.toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (Exception e) {
            return "n/a";
        }
    }

    /** Wall seconds into {@code t[0][i]}, the process's CPU seconds (all threads, user and system) into {@code t[1][i]}. */
    private static void time(Runnable r, double[][] t, int i) {
        double c0 = cpuSeconds();
        long t0 = System.nanoTime();
        r.run();
        t[0][i] = (System.nanoTime() - t0) / 1e9;
        t[1][i] = cpuSeconds() - c0;
    }

    /**
     * The process's CPU time so far, from /proc (the engine's own threads included, which the JVM's beans miss): on a
     * shared machine wall time counts the other processes' turns, CPU time only this one's work (and its spinning).
     */
    private static double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;      // utime, stime in clock ticks (USER_HZ 100)
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
