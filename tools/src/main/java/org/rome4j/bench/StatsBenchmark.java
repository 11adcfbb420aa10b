package org.rome4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rome4j.intervene.Interventions;
import org.rome4j.intervene.Site;
import org.rome4j.model.Batch;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.RandomCheckpoint;
import org.rome4j.rome.KeyStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Benchmark (not a test): key-statistics throughput in tokens per second on a randomly initialised
 * GPT-2-small-shaped checkpoint (12 × 768, F = 3072), the collector against a naive baseline run in the same
 * process: batches in file order, the full forward with a recording hook at the layer (every block, the final
 * norm and the head computed) and the same accumulation. Also several layers in one pass against one
 * collector run per layer. Runs alternate and the medians are printed with their ratios.
 *
 * <p>Run: {@code java -cp kernel-ext/target/rome4j.jar:tools/target/rome4j-tools.jar org.rome4j.bench.StatsBenchmark
 * [SHARED_DIR] [WORK_DIR]}; properties {@code rome4j.bench.reps} (default 3), {@code rome4j.bench.layers}
 * (default {@code 5,8}), {@code rome4j.bench.copies} (copies of the 205-text golden corpus, default 4).
 */
public final class StatsBenchmark {
    private StatsBenchmark() { }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        Djl.init();
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared");
        Path work = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir"), "rome4j-gpt2-small-random");
        Path golden = shared.resolve("golden/tiny-gpt2");
        int reps = Integer.getInteger("rome4j.bench.reps", 3);
        int copies = Integer.getInteger("rome4j.bench.copies", 4);
        List<Integer> layers = Arrays.stream(System.getProperty("rome4j.bench.layers", "5,8").split(",")).map(String::strip)
                .map(Integer::parseInt).toList();
        List<String> texts = new ArrayList<>();
        List<String> lines = Files.readAllLines(golden.resolve("rome/corpus.txt")).stream().filter(l -> !l.isBlank()).toList();
        for (int i = 0; i < copies; i++) texts.addAll(lines);
        if (!Files.isRegularFile(work.resolve("model.safetensors"))) {
            System.out.println("writing random GPT-2-small-shaped checkpoint to " + work + " ...");
            RandomCheckpoint.write(work, RandomCheckpoint.gpt2Small(), 0, golden);
        }
        try (Gpt gpt = Gpt.load(work)) {
            int layer = layers.get(0);
            int ctx = gpt.config().nPositions();
            List<long[]> ids = texts.stream().map(t -> {
                long[] d = gpt.tokenizer().ids(t);
                return d.length > ctx ? Arrays.copyOf(d, ctx) : d;
            }).toList();
            long tokens = ids.stream().mapToLong(d -> d.length).sum();
            int tpb = 3 * ctx;
            System.out.printf("key statistics benchmark: GPT-2-small-shaped random (12x768), %d texts, %d tokens, %d tokens per batch, "
                    + "median of %d after a warm-up%n", ids.size(), tokens, tpb, reps);

            // same sums both ways (float64, so the comparison is not blurred by float32 summation)
            double[] naive = naive(gpt, ids, layer, tpb, DataType.FLOAT64);
            double[] ours = KeyStats.collector(gpt, layer).optPrecision("float64").collectIds(ids.iterator()).sum();
            double diff = 0;
            double scale = 0;
            for (int i = 0; i < naive.length; i++) {
                diff = Math.max(diff, Math.abs(naive[i] - ours[i]));
                scale = Math.max(scale, Math.abs(naive[i]));
            }
            System.out.printf("collector vs naive at layer %d: max relative difference %.2e%n", layer, diff / scale);

            double[] tNaive = new double[reps];
            double[] tUnsorted = new double[reps];
            double[] tOurs = new double[reps];
            double[] tSeparate = new double[reps];
            double[] tOnePass = new double[reps];
            for (int r = -1; r < reps; r++) {          // r = -1: warm-up
                double a = time(() -> naive(gpt, ids, layer, tpb, DataType.FLOAT32));
                double u = time(() -> unsorted(gpt, ids, layer, tpb, DataType.FLOAT32));
                double b = time(() -> KeyStats.collector(gpt, layer).collectIds(ids.iterator()));
                double c = time(() -> {
                    for (int l : layers) KeyStats.collector(gpt, l).collectIds(ids.iterator());
                });
                double d = time(() -> KeyStats.collector(gpt, layers).collectLayersIds(ids.iterator()));
                if (r >= 0) {
                    tNaive[r] = a;
                    tUnsorted[r] = u;
                    tOurs[r] = b;
                    tSeparate[r] = c;
                    tOnePass[r] = d;
                }
            }
            double n = median(tNaive);
            double o = median(tOurs);
            System.out.printf("layer %d: naive (full forward, recording hook) %.0f tokens/s (%.2f s); collector (stops after the layer) "
                    + "%.0f tokens/s (%.2f s); time ratio %.3f%n", layer, tokens / n, n, tokens / o, o, o / n);
            double us = median(tUnsorted);
            System.out.printf("layer %d: stopped after the layer, batches in file order (the collector before sorting) %.0f tokens/s; "
                    + "sorted %.0f tokens/s; time ratio %.3f%n", layer, tokens / us, tokens / o, o / us);
            double s = median(tSeparate);
            double p = median(tOnePass);
            System.out.printf("layers %s: one collector per layer %.2f s; one pass %.2f s; time ratio %.3f%n", layers, s, p, p / s);
        }
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /**
     * The naive way, as the collector was before: batches in file order (a batch ends when one more document
     * would pass {@code tokensPerBatch} padded tokens), the full forward with a recording hook, the same Σ k kᵀ.
     */
    static double[] naive(Gpt gpt, List<long[]> ids, int layer, int tokensPerBatch, DataType dt) {
        return fileOrder(gpt, ids, layer, tokensPerBatch, dt, false);
    }

    /** The collector as it was before documents were sorted: batches in file order, the forward stopped after the layer. */
    static double[] unsorted(Gpt gpt, List<long[]> ids, int layer, int tokensPerBatch, DataType dt) {
        return fileOrder(gpt, ids, layer, tokensPerBatch, dt, true);
    }

    private static double[] fileOrder(Gpt gpt, List<long[]> ids, int layer, int tokensPerBatch, DataType dt, boolean stop) {
        Site site = Site.mlpIn(layer);
        Interventions.Builder ib = Interventions.builder().record(site);
        if (stop) ib.stopAfter(site);
        Interventions iv = ib.build();
        int f = gpt.config().nInner();
        List<List<long[]>> batches = new ArrayList<>();
        List<long[]> batch = new ArrayList<>();
        int maxLen = 0;
        for (long[] d : ids) {
            if (d.length == 0) continue;
            if (!batch.isEmpty() && (long) Math.max(maxLen, d.length) * (batch.size() + 1) > tokensPerBatch) {
                batches.add(batch);
                batch = new ArrayList<>();
                maxLen = 0;
            }
            batch.add(d);
            maxLen = Math.max(maxLen, d.length);
        }
        if (!batch.isEmpty()) batches.add(batch);
        try (NDManager acc = gpt.newScope()) {
            NDArray sum = acc.zeros(new Shape(f, f), dt);
            for (List<long[]> docs : batches) {
                Batch b = Batch.right(docs, gpt.tokenizer().padId());
                try (NDManager scope = gpt.newScope()) {
                    Map<Site, NDArray> rec = gpt.forward(scope, b, iv).recorded();
                    NDArray feats = KeyStats.realTokens(b, rec.get(site)).toType(dt, false);
                    sum.addi(feats.transpose().matMul(feats));
                }
            }
            return sum.toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }
}
