package org.rome4j.bench;

import org.rome4j.model.Djl;
import org.rome4j.rome.*;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.model.RandomCheckpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark (not a test): the time of one ROME edit with fixed C and context templates, in rome4j's v* schedule
 * and in the original's (every layer and every position's vocabulary projection at each step), with the ratio, on the embedded
 * model and on a randomly initialised GPT-2-small-shaped model (12×768, written to a temp folder), and the throughput of key-statistics collection in tokens per second.
 *
 * <p>Run: {@code java -cp CLASSPATH org.rome4j.bench.RomeBenchmark [--tokenizer DIR|HUB_ID] [--work DIR]}; system properties
 * {@code rome4j.bench.reps} (default 3), {@code rome4j.bench.warmup} (default true) and
 * {@code rome4j.bench.only} ({@code embedded} or {@code small}) shorten it. The random checkpoint takes its
 * tokenizer from {@code --tokenizer} (a folder with GPT-2's {@code tokenizer.json}, or {@code gpt2} once
 * downloaded), else from the embedded model; the statistics corpus is the first 205 of the embedded model's
 * training sentences and the templates are {@link BenchInputs#TEMPLATES}.
 */
public final class RomeBenchmark {
    private RomeBenchmark() { }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        Djl.init();
        String tokenizerArg = null;
        Path workRoot = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tokenizer" -> tokenizerArg = args[++i];
                case "--work" -> workRoot = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: RomeBenchmark [--tokenizer DIR|HUB_ID] [--work DIR]");
                    System.exit(2);
                }
            }
        }
        Path tokenizer = BenchInputs.tokenizer(tokenizerArg);
        Path work = workRoot.resolve(tokenizerArg == null ? "rome4j-gpt2-small-random" : "rome4j-gpt2-small-random-gpt2-tokenizer");
        List<String> corpus = BenchInputs.corpus(205);
        List<String> templates = BenchInputs.TEMPLATES;
        Request req = Request.of("{} plays the sport of", "Michael Jordan", "football");
        int reps = Integer.getInteger("rome4j.bench.reps", 3);
        boolean warm = Boolean.parseBoolean(System.getProperty("rome4j.bench.warmup", "true"));
        System.out.printf("ROME benchmark: one edit (%d templates, fixed C), median of %d%s; statistics throughput%n",
                templates.size(), reps, warm ? " after a warm-up" : ", no warm-up");

        String only = System.getProperty("rome4j.bench.only", "");   // "embedded" or "small" runs one part
        if (!only.equals("small")) {
            try (Gpt gpt = Models.load(Models.DEFAULT)) {
                RomeHparams hp = RomeHparams.preset("tiny-facts").withLayers(List.of(Math.min(1, gpt.nLayer() - 1)));
                run(Models.DEFAULT, gpt, hp, templates, corpus, req, reps, true);
            }
        }
        if (only.equals("embedded")) return;

        if (!Files.isRegularFile(work.resolve("model.safetensors"))) {
            System.out.println("writing random GPT-2-small-shaped checkpoint to " + work + " ...");
            RandomCheckpoint.write(work, RandomCheckpoint.gpt2Small(), 0, tokenizer);
        }
        try (Gpt gpt = Gpt.load(work)) {
            // gpt2-medium's values at a middle layer; C is the identity (the corpus is too small for a 3072-wide C)
            RomeHparams hp = lossAtLast(RomeHparams.preset("gpt2-medium").withLayers(List.of(5)), gpt);
            run("gpt2-small-shaped random (12x768)", gpt, hp, templates, corpus, req, reps, false);
        }
    }

    static void run(String label, Gpt gpt, RomeHparams hp, List<String> templates, List<String> corpus, Request req, int reps,
                    boolean statsC) throws Exception {
        int layer = hp.layers().get(0);
        long t0 = System.nanoTime();
        KeyStats s = KeyStats.collector(gpt, layer).collect(corpus.iterator());
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s: statistics at layer %d: %d tokens in %.2f s = %.0f tokens/s%n", label, layer, s.count(), secs,
                s.count() / secs);
        Rome fast = session(gpt, hp, templates, s, statsC, false);
        Rome naive = session(gpt, hp, templates, s, statsC, true);
        if (Boolean.parseBoolean(System.getProperty("rome4j.bench.warmup", "true"))) {
            fast.undo(fast.apply(req).id());      // warm-up (also computes C⁻¹ once)
            naive.undo(naive.apply(req).id());
        }
        // per repetition: optimised, naive, optimised; the optimised time is the mean of the two around the
        // naive one, so a change of load on a shared machine hits both schedules alike
        List<Double> fastTimes = new ArrayList<>();
        List<Double> naiveTimes = new ArrayList<>();
        int iters = 0;
        double diff = 0;
        for (int i = 0; i < reps; i++) {
            Timed a = edit(fast, req);
            Timed n = edit(naive, req);
            Timed b = edit(fast, req);
            fastTimes.add((a.seconds() + b.seconds()) / 2);
            naiveTimes.add(n.seconds());
            iters = a.update().iterations();
            diff = Math.max(diff, maxRel(n.update().v(), a.update().v()));
        }
        double tf = median(fastTimes);
        double tn = median(naiveTimes);
        System.out.printf("%s: one edit at layer %d (%d v* iterations): optimised median %.2f s %s, naive (the original's "
                        + "schedule) %.2f s %s, ratio %.3f; v differs by %.1e (relative)%n", label, layer, iters, tf,
                rounded(fastTimes), tn, rounded(naiveTimes), tf / tn, diff);
    }

    /** A session with fixed templates and C (the collected statistics, or the identity), in one v* schedule. */
    static Rome session(Gpt gpt, RomeHparams hp, List<String> templates, KeyStats s, boolean statsC, boolean naive) {
        int layer = hp.layers().get(0);
        Rome.Builder b = Rome.builder(gpt).setHparams(hp).optTemplates(templates).optMeasure(false).optNaiveSchedule(naive);
        if (statsC) {
            b.optStats(layer, s);
        } else {
            b.optInverse(layer, identity(gpt.config().nInner()));
        }
        return b.build();
    }

    /** {@code hp} with its loss after {@code gpt}'s last layer (a preset made for a deeper model). */
    static RomeHparams lossAtLast(RomeHparams hp, Gpt gpt) {
        return RomeHparams.parse(hp.toJson().put("v_loss_layer", gpt.nLayer() - 1), "benchmark");
    }

    /** The identity C⁻¹, row-major [f*f]. */
    static float[] identity(int f) {
        float[] id = new float[f * f];
        for (int i = 0; i < f; i++) id[i * f + i] = 1f;
        return id;
    }

    record Timed(double seconds, Update update) { }

    /** One edit applied and undone, timed. */
    static Timed edit(Rome rome, Request req) {
        long e0 = System.nanoTime();
        Edit e = rome.apply(req);
        double secs = (System.nanoTime() - e0) / 1e9;
        rome.undo();
        return new Timed(secs, e.updates().get(0));
    }

    /** max|a−b| / max|a|. */
    static double maxRel(float[] a, float[] b) {
        double m = 0;
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
            s = Math.max(s, Math.abs(a[i]));
        }
        return m / s;
    }

    static double median(List<Double> xs) {
        double[] t = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return t[t.length / 2];
    }

    static String rounded(List<Double> xs) {
        return Arrays.toString(xs.stream().mapToDouble(x -> Math.round(x * 100) / 100.0).toArray());
    }
}
