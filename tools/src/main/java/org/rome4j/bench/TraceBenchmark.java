package org.rome4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.rome4j.model.Djl;
import org.rome4j.trace.*;
import org.rome4j.model.Gpt;
import org.rome4j.model.GptConfig;
import org.rome4j.model.ModelLoadException;
import org.rome4j.model.Models;
import org.rome4j.model.ParamSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Benchmark (not a test): the full 3-kind causal-trace grid (resid, MLP and attention with window 10,
 * every token × every layer) on one prompt, in the original's naive schedule (one full forward of
 * 1 clean + samples corrupted rows per cell, logits at every position) and in ours (many cells per
 * forward, each restarted from the cached corrupted activations at its first restored layer, logits
 * only at the last token, the cells of all three kinds sharing forwards). The batched grid runs before
 * and after the naive one and its time is the mean of the two, so that a change of load on a shared
 * machine hits both schedules alike. Checks the scores agree (≤ 1e-6) and prints both times and the ratio.
 *
 * <pre>
 * java -cp kernel-ext/target/rome4j.jar:tools/target/rome4j-tools.jar org.rome4j.bench.TraceBenchmark [--model M]... [--tokenizer DIR|HUB_ID]
 *     [--no-small] [--prompt P --subject S] [--samples N]
 * </pre>
 * {@code --model} may repeat (default: tiny-facts when it is embedded, else {@code --tokenizer}'s folder
 * when it holds a model). {@code --tokenizer DIR} also names the tokenizer of the random
 * GPT-2-small-shaped model (12 layers, width 768, 12 heads, vocabulary 50257; default: the embedded model's
 * tokenizer, whose ids past its own vocabulary decode to nothing), which is written with
 * {@link Gpt#create} and {@link Gpt#save} to a temporary folder and loaded back.
 */
public final class TraceBenchmark {
    private TraceBenchmark() { }

    /** One model's outcome. */
    public record Outcome(String model, int tokens, int cells, double naiveSeconds, double batchedSeconds, double maxAbsDiff) {
        /** batched / naive. */
        public double ratio() { return batchedSeconds / naiveSeconds; }
    }

    /** Entry point; exits 1 if the two schedules disagree. */
    public static void main(String[] argv) throws Exception {
        Djl.init();
        List<String> models = new ArrayList<>();
        String tokenizer = null;
        String prompt = "The Space Needle is located in the city of";
        String subject = "The Space Needle";
        int samples = 10;
        boolean small = true;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--model" -> models.add(argv[++i]);
                case "--tokenizer" -> tokenizer = argv[++i];
                case "--prompt" -> prompt = argv[++i];
                case "--subject" -> subject = argv[++i];
                case "--samples" -> samples = Integer.parseInt(argv[++i]);
                case "--no-small" -> small = false;
                default -> {
                    System.err.println("usage: TraceBenchmark [--model M]... [--tokenizer DIR|HUB_ID] [--prompt P --subject S] "
                            + "[--samples N] [--no-small]");
                    System.exit(2);
                }
            }
        }
        if (models.isEmpty()) {
            try {
                Models.resolve(Models.DEFAULT);
                models.add(Models.DEFAULT);
            } catch (ModelLoadException e) {
                if (tokenizer != null && Files.isRegularFile(Path.of(tokenizer, "model.safetensors"))) {
                    models.add(tokenizer);
                    System.out.println("(embedded model " + Models.DEFAULT + " not available; using " + tokenizer + ")");
                }
            }
        }
        List<Outcome> outs = new ArrayList<>();
        for (String m : models) {
            try (Gpt gpt = Models.load(m)) {
                outs.add(run(gpt, prompt, subject, samples));
            }
        }
        if (small) {
            Path tmp = Files.createTempDirectory("rome4j-bench");
            try {
                Path dir = tmp.resolve("gpt2-small-random");
                try (Gpt made = randomGpt2Small(BenchInputs.tokenizer(tokenizer), 0)) {
                    made.save(dir);
                }
                try (Gpt gpt = Gpt.load(dir)) {
                    outs.add(run(gpt, prompt, subject, samples));
                }
            } finally {
                try (Stream<Path> s = Files.walk(tmp)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        }
        System.out.println();
        System.out.printf("%-28s %6s %6s %10s %10s %7s %10s%n", "model", "tokens", "cells", "naive s", "batched s", "ratio", "max |diff|");
        boolean ok = true;
        for (Outcome o : outs) {
            System.out.printf("%-28s %6d %6d %10.2f %10.2f %7.3f %10.2e%n", o.model(), o.tokens(), o.cells(), o.naiveSeconds(),
                    o.batchedSeconds(), o.ratio(), o.maxAbsDiff());
            ok &= o.maxAbsDiff() <= 1e-6;
        }
        System.out.println(ok ? "scores identical within 1e-6" : "SCORES DIFFER by more than 1e-6");
        System.exit(ok ? 0 : 1);
    }

    /** Times both schedules on one model (after a small warm-up of each). */
    public static Outcome run(Gpt gpt, String prompt, String subject, int samples) {
        Noise noise = Noise.fixed(0.5);   // a fixed level: the benchmark times tracing, not the embedding std
        CausalTrace.Builder b = CausalTrace.builder(gpt).setPrompt(prompt).setSubject(subject).optSamples(samples).optNoise(noise);
        // warm-up: one last-subject-token trace in each schedule
        b.optTokenRange(CausalTrace.TokenRange.LAST_SUBJECT).optSchedule(CausalTrace.Schedule.NAIVE).build().run();
        b.optSchedule(CausalTrace.Schedule.BATCHED).build().run();
        b.optTokenRange(CausalTrace.TokenRange.ALL);
        List<Kind> kinds = List.of(Kind.RESID, Kind.MLP, Kind.ATTN);
        // batched, naive, batched again: the batched time is the mean of the runs around the naive one,
        // so a change of load on a shared machine during the benchmark hits both schedules alike
        long t0 = System.nanoTime();
        List<TraceResult> fast = b.optSchedule(CausalTrace.Schedule.BATCHED).build().run(kinds);
        long t1 = System.nanoTime();
        List<TraceResult> slow = b.optSchedule(CausalTrace.Schedule.NAIVE).build().run(kinds);
        long t2 = System.nanoTime();
        List<TraceResult> fast2 = b.optSchedule(CausalTrace.Schedule.BATCHED).build().run(kinds);
        long t3 = System.nanoTime();
        double naive = (t2 - t1) / 1e9;
        double batched = ((t1 - t0) + (t3 - t2)) / 2e9;
        double diff = 0;
        int cells = 0;
        int tokens = 0;
        for (int k = 0; k < kinds.size(); k++) {
            TraceResult s = slow.get(k);
            for (int i = 0; i < s.positions().length; i++) {
                for (int l = 0; l < s.layers(); l++) {
                    diff = Math.max(diff, Math.abs(s.score(i, l) - fast.get(k).score(i, l)));
                    diff = Math.max(diff, Math.abs(s.score(i, l) - fast2.get(k).score(i, l)));
                }
            }
            cells += s.positions().length * s.layers();
            tokens = s.tokens().size();
        }
        System.out.printf("%s: naive %.2f s, batched %.2f s and %.2f s%n", gpt.name(), naive, (t1 - t0) / 1e9, (t3 - t2) / 1e9);
        return new Outcome(gpt.name(), tokens, cells, naive, batched, diff);
    }

    /**
     * A randomly initialised GPT-2-small-shaped model (HF's init: N(0, 0.02) weights, projections into
     * the residual N(0, 0.02/√(2·12)), unit norms, zero biases), seeded.
     */
    public static Gpt randomGpt2Small(Path tokenizerDir, long seed) {
        GptConfig cfg = GptConfig.gpt2(12, 768, 12, 1024, 50257);
        Map<String, NDArray> w = new HashMap<>();
        NDManager m = NDManager.newBaseManager();
        try {
            ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
            double proj = 0.02 / Math.sqrt(2.0 * cfg.nLayer());
            for (ParamSpec s : Gpt.parameterSpecs(cfg)) {
                String n = s.name();
                Shape shape = new Shape(s.shape());
                NDArray a;
                if (n.endsWith(".bias")) {
                    a = m.zeros(shape);
                } else if (n.contains("ln_") && n.endsWith(".weight")) {
                    a = m.ones(shape);
                } else {
                    double std = n.endsWith("c_proj.weight") ? proj : 0.02;
                    a = m.randomNormal(0f, (float) std, shape, ai.djl.ndarray.types.DataType.FLOAT32);
                }
                w.put(n, a);
            }
            return Gpt.create("gpt2-small-random", cfg, w, tokenizerDir);
        } finally {
            m.close();
        }
    }
}
