package org.rome4j.bench;

import ai.djl.ndarray.NDManager;
import org.rome4j.intervene.Interventions;
import org.rome4j.model.Batch;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.GptConfig;
import org.rome4j.model.RandomCheckpoint;
import org.rome4j.rome.Request;
import org.rome4j.rome.Rome;
import org.rome4j.rome.RomeHparams;
import org.rome4j.trace.CausalTrace;
import org.rome4j.trace.Kind;
import org.rome4j.trace.Noise;
import org.rome4j.trace.TraceResult;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test) at GPT-2 XL's shape (48 layers, width 1600, 25 heads, vocabulary 50257; a
 * randomly initialised F32 checkpoint of 6.2 GB written with {@link RandomCheckpoint}, never a download):
 * <ol>
 * <li>memory: a fresh JVM loads the checkpoint and runs one trace (resid, last subject token); its peak
 *     RSS (VmHWM) against the file's size (target ≤ 1.2: the weights are memory-mapped, not copied);</li>
 * <li>the 3-kind causal-trace grid (resid, MLP, attention, window 10; every token × every layer, the
 *     kinds sharing the clean and corrupted runs and their forwards) in rome4j's batched schedule, against
 *     the original's naive schedule (one full forward of 1 + samples rows per cell). Every naive cell is the
 *     same forward, so {@code --naive-cells last_subject} times the naive schedule on the last subject
 *     token's cells only and scales it to the grid (printed as extrapolated); {@code all} runs it whole;</li>
 * <li>one ROME edit (gpt2-xl's hyper-parameters: layer 17, 20 v* steps; identity C; 21 fixed
 *     context templates, {@link BenchInputs#TEMPLATES}) in rome4j's v* schedule and in the original's, with the ratio. {@code --edit-steps A,B}
 *     times each schedule's edit at A and at B steps instead and extrapolates to 20 (an edit is a fixed
 *     part plus the same time per step; printed as extrapolated).</li>
 * </ol>
 *
 * <pre>
 * java -Xmx2g -cp kernel-ext/target/rome4j.jar:tools/target/rome4j-tools.jar org.rome4j.bench.ScaleBenchmark \
 *     [--dir /tmp/rome4j-gpt2-xl-random] [--tokenizer DIR|HUB_ID] [--samples N] [--trace-tokens all|last_subject] [--naive-cells all|last_subject|resid_last_subject]
 *     [--edit-steps A,B] [--skip memory,trace,edit] [--delete] [--small]
 * </pre>
 * ({@code --small}: GPT-2 small's shape and gpt2-medium's values at layer 5, to try it out in a minute.)
 * The checkpoint is written once into {@code --dir} (about a minute) and reused; {@code --delete} removes it
 * at the end. Its tokenizer is {@code --tokenizer}'s (a folder with GPT-2's {@code tokenizer.json}, or {@code gpt2}
 * once downloaded), else the embedded model's; the vocabulary keeps GPT-2's 50257 rows either way.
 */
public final class ScaleBenchmark {
    private ScaleBenchmark() { }

    /** GPT-2 XL's shape. */
    public static GptConfig gpt2Xl() {
        return GptConfig.gpt2(48, 1600, 25, 1024, 50257);
    }

    /** Entry point. */
    public static void main(String[] argv) throws Exception {
        Djl.init();
        if (argv.length == 5 && argv[0].equals("--rss-child")) {
            rssChild(Path.of(argv[1]), argv[2], argv[3], Integer.parseInt(argv[4]));
            return;
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "rome4j-gpt2-xl-random");
        String tokenizerArg = null;
        int samples = 10;
        String naiveCells = "last_subject";
        CausalTrace.TokenRange traceTokens = CausalTrace.TokenRange.ALL;
        int[] editSteps = null;
        String skip = "";
        boolean delete = false;
        boolean small = false;
        String prompt = "The Space Needle is in downtown";
        String subject = "The Space Needle";
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--dir" -> dir = Path.of(argv[++i]);
                case "--tokenizer" -> tokenizerArg = argv[++i];
                case "--samples" -> samples = Integer.parseInt(argv[++i]);
                case "--naive-cells" -> naiveCells = argv[++i];
                case "--trace-tokens" -> traceTokens = CausalTrace.TokenRange.parse(argv[++i]);
                case "--edit-steps" -> {
                    String[] ab = argv[++i].split(",");
                    editSteps = new int[] {Integer.parseInt(ab[0]), Integer.parseInt(ab[1])};
                }
                case "--skip" -> skip = argv[++i];
                case "--prompt" -> prompt = argv[++i];
                case "--subject" -> subject = argv[++i];
                case "--delete" -> delete = true;
                case "--small" -> small = true;      // GPT-2 small's shape, to try the benchmark out quickly
                default -> {
                    System.err.println("usage: ScaleBenchmark [--dir D] [--tokenizer DIR|HUB_ID] [--samples N] [--trace-tokens all|last_subject] [--naive-cells all|last_subject|resid_last_subject] "
                            + "[--edit-steps A,B] [--skip memory,trace,edit] [--prompt P --subject S] [--delete] [--small]");
                    System.exit(2);
                }
            }
        }
        Path tokenizer = BenchInputs.tokenizer(tokenizerArg);
        Path weights = dir.resolve("model.safetensors");
        try {
            if (!Files.isRegularFile(weights)) {
                System.out.println("writing a random GPT-2-XL-shaped checkpoint to " + dir + " ...");
                long t0 = System.nanoTime();
                RandomCheckpoint.write(dir, small ? RandomCheckpoint.gpt2Small() : gpt2Xl(), 0, tokenizer);
                System.out.printf("  written in %.0f s%n", (System.nanoTime() - t0) / 1e9);
            }
            long file = Files.size(weights);
            System.out.printf(Locale.ROOT, "checkpoint %s: %.2f GB; %d cores; -Xmx %.1f GB%n", weights, file / 1e9,
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / 1e9);
            if (!skip.contains("memory")) memory(dir, prompt, subject, samples);
            if (!skip.contains("trace") || !skip.contains("edit")) {
                long t0 = System.nanoTime();
                try (Gpt gpt = Gpt.load(dir)) {
                    System.out.printf("loaded %s in %.1f s%n", gpt, (System.nanoTime() - t0) / 1e9);
                    if (!skip.contains("trace")) trace(gpt, prompt, subject, samples, traceTokens, naiveCells);
                    if (!skip.contains("edit")) edit(gpt, editSteps, small);
                }
            }
        } finally {
            if (delete) {
                for (String f : List.of("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json",
                        "special_tokens_map.json")) {
                    Files.deleteIfExists(dir.resolve(f));
                }
                Files.deleteIfExists(dir);
                System.out.println("deleted " + dir);
            }
        }
    }

    /** Peak RSS of a fresh JVM that loads the checkpoint and runs one trace. */
    static void memory(Path dir, String prompt, String subject, int samples) throws Exception {
        System.out.println();
        System.out.println("memory: a fresh JVM (-Xmx512m) loads the checkpoint and runs one trace (resid, last subject token, "
                + samples + " samples)");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                ScaleBenchmark.class.getName(), "--rss-child", dir.toString(), prompt, subject, Integer.toString(samples)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            r.lines().forEach(l -> System.out.println("  " + l));
        }
        System.out.println("  child exit status " + p.waitFor());
    }

    static void rssChild(Path dir, String prompt, String subject, int samples) throws Exception {
        long file = Files.size(dir.resolve("model.safetensors"));
        long t0 = System.nanoTime();
        try (Gpt gpt = Gpt.load(dir)) {
            double load = (System.nanoTime() - t0) / 1e9;
            long afterLoad = HookOverheadBenchmark.statusKb("VmHWM") * 1024;
            TraceResult r = CausalTrace.builder(gpt).setPrompt(prompt).setSubject(subject).optNoise(Noise.fixed(0.5)).optSamples(samples)
                    .optTokenRange(CausalTrace.TokenRange.LAST_SUBJECT).build().run();
            long peak = HookOverheadBenchmark.statusKb("VmHWM") * 1024;
            System.out.printf(Locale.ROOT, "load %.1f s, peak RSS after load %.2f GB; after one trace (%d cells, %.1f s) %.2f GB "
                            + "= %.3f x the %.2f GB file (target <= 1.2); file-backed mapped pages now %.2f GB%n",
                    load, afterLoad / 1e9, r.layers(), (System.nanoTime() - t0) / 1e9 - load, peak / 1e9, (double) peak / file,
                    file / 1e9, HookOverheadBenchmark.statusKb("RssFile") * 1024 / 1e9);
        }
    }

    /**
     * The 3-kind grid over {@code tokens} in the batched schedule; the naive schedule on {@code naiveCells}
     * ({@code all}: the same grid; {@code last_subject}: its last subject token's cells; {@code resid_last_subject}:
     * those of the resid kind only), scaled to the grid when a subset: every naive cell is one full forward of
     * the same rows (a window's sites are patched in the same forward), so its time is the same for any cell.
     */
    static void trace(Gpt gpt, String prompt, String subject, int samples, CausalTrace.TokenRange tokens, String naiveCells)
            throws Exception {
        System.out.println();
        List<Kind> kinds = List.of(Kind.RESID, Kind.MLP, Kind.ATTN);
        CausalTrace.Builder b = CausalTrace.builder(gpt).setPrompt(prompt).setSubject(subject).optSamples(samples)
                .optNoise(Noise.fixed(0.5)).optTokenRange(tokens);
        long t0 = System.nanoTime();
        List<TraceResult> fast = b.optSchedule(CausalTrace.Schedule.BATCHED).build().run(kinds);
        double batched = (System.nanoTime() - t0) / 1e9;
        int cells = kinds.size() * fast.get(0).positions().length * gpt.nLayer();
        System.out.printf(Locale.ROOT, "trace grid (%s tokens of %d) x %d layers x 3 kinds = %d cells, %d samples: batched %.1f s; %s%n",
                tokens.name().toLowerCase(Locale.ROOT), fast.get(0).tokens().size(), gpt.nLayer(), cells, samples, batched, rss());
        List<Kind> naiveKinds = naiveCells.startsWith("resid") ? List.of(Kind.RESID) : kinds;
        if (!naiveCells.equals("all")) b.optTokenRange(CausalTrace.TokenRange.LAST_SUBJECT);
        t0 = System.nanoTime();
        List<TraceResult> slow = b.optSchedule(CausalTrace.Schedule.NAIVE).build().run(naiveKinds);
        double naive = (System.nanoTime() - t0) / 1e9;
        int naiveN = naiveKinds.size() * slow.get(0).positions().length * gpt.nLayer();
        double diff = 0;
        for (int k = 0; k < naiveKinds.size(); k++) {
            TraceResult s = slow.get(k);
            TraceResult f = fast.get(k);
            for (int i = 0; i < s.positions().length; i++) {
                int at = java.util.Arrays.binarySearch(f.positions(), s.positions()[i]);
                for (int l = 0; l < s.layers(); l++) diff = Math.max(diff, Math.abs(s.score(i, l) - f.score(at, l)));
            }
        }
        double naiveGrid = naive * cells / naiveN;
        System.out.printf(Locale.ROOT, "trace grid: naive %.1f s for %d cells%s; ratio batched/naive %.3f; scores of the shared "
                        + "cells agree within %.1e%n", naive, naiveN,
                naiveN == cells ? "" : String.format(Locale.ROOT, " -> %.1f s for the %d cells (extrapolated: every naive cell is "
                        + "the same forward)", naiveGrid, cells), batched / naiveGrid, diff);
    }

    /** The process's resident and peak resident memory. */
    static String rss() throws Exception {
        return String.format(Locale.ROOT, "RSS %.2f GB (peak %.2f GB)", HookOverheadBenchmark.statusKb("VmRSS") / 1e6 * 1.024,
                HookOverheadBenchmark.statusKb("VmHWM") / 1e6 * 1.024);
    }

    /**
     * One edit in each v* schedule: with the full step count, or (stepCounts = {a, b}) timed at a and b steps
     * and extrapolated: an edit's time is a fixed part (keys, the update) plus the same time per v* step
     * (each step a forward and a backward, the last a forward only).
     */
    static void edit(Gpt gpt, int[] stepCounts, boolean small) throws Exception {
        System.out.println();
        RomeHparams hp = small ? RomeBenchmark.lossAtLast(RomeHparams.preset("gpt2-medium").withLayers(List.of(5)), gpt)
                : RomeHparams.preset("gpt2-xl");
        int layer = hp.layers().get(0);
        int steps = hp.vNumGradSteps();
        List<String> templates = BenchInputs.TEMPLATES;
        Request req = Request.of("{} plays the sport of", "Michael Jordan", "football");
        System.out.printf(Locale.ROOT, "ROME edit at layer %d, %d context templates, identity C, %d v* steps%s%n", layer,
                templates.size(), steps, stepCounts == null ? "" : String.format(Locale.ROOT,
                        " (timed at %d and %d steps and extrapolated on the line through them)", stepCounts[0], stepCounts[1]));
        // one forward first, so that neither schedule's first edit pays for reading the mapped weights
        try (NDManager scope = gpt.newScope()) {
            gpt.forwardLast(scope, Batch.of(gpt.tokenizer().ids(req.text())), Interventions.NONE);
        }
        double[] total = new double[2];
        float[][] v = new float[2][];
        for (boolean naive : new boolean[] {false, true}) {
            String name = naive ? "naive (the original's schedule)" : "optimised";
            if (stepCounts == null) {
                RomeBenchmark.Timed t = RomeBenchmark.edit(RomeBenchmark.session(gpt, hp, templates, null, false, naive), req);
                total[naive ? 1 : 0] = t.seconds();
                v[naive ? 1 : 0] = t.update().v();
                System.out.printf(Locale.ROOT, "  %s: %.1f s (%d steps); %s%n", name, t.seconds(), t.update().iterations(), rss());
                continue;
            }
            double[] secs = new double[2];
            for (int i = 0; i < 2; i++) {
                RomeHparams h = RomeHparams.parse(hp.toJson().put("v_num_grad_steps", stepCounts[i]), "benchmark");
                RomeBenchmark.Timed t = RomeBenchmark.edit(RomeBenchmark.session(gpt, h, templates, null, false, naive), req);
                if (t.update().iterations() != stepCounts[i]) {
                    throw new IllegalStateException("the v* search stopped early at " + t.update().iterations() + " steps");
                }
                secs[i] = t.seconds();
            }
            double perStep = (secs[1] - secs[0]) / (stepCounts[1] - stepCounts[0]);
            // the last step runs no backward, so the intercept is the fixed part less one backward; the line is
            // still exact at any step count
            double intercept = secs[0] - perStep * stepCounts[0];
            total[naive ? 1 : 0] = intercept + perStep * steps;
            System.out.printf(Locale.ROOT, "  %s: %.1f s at %d steps, %.1f s at %d: %.2f s per step, intercept %.1f s -> %.1f s at %d "
                    + "steps (extrapolated); %s%n", name, secs[0], stepCounts[0], secs[1], stepCounts[1], perStep, intercept,
                    total[naive ? 1 : 0], steps, rss());
        }
        System.out.printf(Locale.ROOT, "ROME edit: optimised %.1f s, naive %.1f s, ratio %.3f%s%n", total[0], total[1], total[0] / total[1],
                v[0] == null ? "" : String.format(Locale.ROOT, "; v equal within %.1e (relative)", RomeBenchmark.maxRel(v[1], v[0])));
    }
}
