package org.rome4j.bench;

import ai.djl.ndarray.NDManager;
import org.rome4j.intervene.Interventions;
import org.rome4j.model.Batch;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.model.RandomCheckpoint;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark (not a test) of the intervention mechanism's idle cost and of loading memory:
 * <ol>
 * <li>the same forward through {@link Gpt#forward} with no interventions and through a plain
 *     hand-written forward with no sites ({@link PlainGpt2}), alternated, on the embedded model and on
 *     a random GPT-2-small-shaped checkpoint; prints both median times and the ratio (target ≤ 1.05);</li>
 * <li>in a fresh child JVM, loads the GPT-2-small-shaped checkpoint, runs one forward and prints the
 *     process's peak RSS (VmHWM; target under 1.3 GB thanks to memory-mapped weights).</li>
 * </ol>
 * Run: {@code java -cp kernel-ext/target/rome4j.jar org.rome4j.bench.HookOverheadBenchmark [workdir]}.
 */
public final class HookOverheadBenchmark {
    private HookOverheadBenchmark() { }

    /** Entry point; the optional argument is where the random checkpoint is written (reused if there). */
    public static void main(String[] args) throws Exception {
        Djl.init();
        if (args.length == 2 && args[0].equals("--rss-child")) {
            rssChild(Path.of(args[1]));
            return;
        }
        Path work = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"), "rome4j-gpt2-small-random");
        Path small = ensureSmall(work);
        System.out.println("hook overhead: Gpt.forward with no interventions vs a plain forward with no sites");
        try (Gpt gpt = Models.load(System.getProperty("rome4j.bench.model", Models.DEFAULT))) {
            overhead(gpt, "Vinson Massif is located in the continent of", 300);
        }
        try (Gpt gpt = Gpt.load(small)) {
            overhead(gpt, "The Space Needle is located in the city of Seattle, which lies in the state of Washington, and", 30);
        }
        System.out.println();
        System.out.println("memory: fresh JVM loads the 12x768 random checkpoint and runs one forward");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                HookOverheadBenchmark.class.getName(), "--rss-child", small.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            r.lines().forEach(l -> System.out.println("  " + l));
        }
        System.out.println("  child exit status " + p.waitFor());
    }

    static Path ensureSmall(Path work) throws Exception {
        if (Files.isRegularFile(work.resolve("model.safetensors"))) {
            return work;
        }
        System.out.println("writing random GPT-2-small-shaped checkpoint to " + work + " ...");
        // GPT-2's tokenizer when -Drome4j.gpt2.tokenizer names one (a folder or a downloaded hub id such as gpt2), else the
        // embedded model's: the checkpoint keeps GPT-2's 50257-row vocabulary either way
        String gpt2Tok = System.getProperty("rome4j.gpt2.tokenizer");
        return RandomCheckpoint.write(work, RandomCheckpoint.gpt2Small(), 0, BenchInputs.tokenizer(gpt2Tok));
    }

    static void overhead(Gpt gpt, String prompt, int iters) {
        long[] ids = gpt.tokenizer().ids(prompt);
        PlainGpt2 plain = new PlainGpt2(gpt.config(), gpt.parameters());
        // same numbers first: the baseline must be the same computation
        try (NDManager s = gpt.newScope()) {
            float[] a = plain.forward(s, ids).toFloatArray();
            float[] b = gpt.forward(s, Batch.of(ids), Interventions.NONE).logits().toFloatArray();
            double m = 0;
            for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
            System.out.printf("  %s, %d tokens: max |plain - Gpt.forward| = %.2e%n", gpt, ids.length, m);
        }
        for (int i = 0; i < Math.max(5, iters / 10); i++) {
            timePlain(gpt, plain, ids);
            timeHooked(gpt, ids);
        }
        long[] tp = new long[iters];
        long[] th = new long[iters];
        for (int i = 0; i < iters; i++) {
            if (i % 2 == 0) {
                tp[i] = timePlain(gpt, plain, ids);
                th[i] = timeHooked(gpt, ids);
            } else {
                th[i] = timeHooked(gpt, ids);
                tp[i] = timePlain(gpt, plain, ids);
            }
        }
        double mp = median(tp) / 1e6;
        double mh = median(th) / 1e6;
        System.out.printf("  plain forward   %8.3f ms (median of %d)%n", mp, iters);
        System.out.printf("  Gpt.forward     %8.3f ms (interventions idle)%n", mh);
        System.out.printf("  ratio           %8.3f (target <= 1.05)%n", mh / mp);
    }

    static long timePlain(Gpt gpt, PlainGpt2 plain, long[] ids) {
        try (NDManager s = gpt.newScope()) {
            long t0 = System.nanoTime();
            plain.forward(s, ids).toFloatArray();
            return System.nanoTime() - t0;
        }
    }

    static long timeHooked(Gpt gpt, long[] ids) {
        try (NDManager s = gpt.newScope()) {
            long t0 = System.nanoTime();
            gpt.forward(s, Batch.of(ids), Interventions.NONE).logits().toFloatArray();
            return System.nanoTime() - t0;
        }
    }

    static double median(long[] xs) {
        long[] c = xs.clone();
        java.util.Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2.0;
    }

    static void rssChild(Path dir) throws Exception {
        try (Gpt gpt = Gpt.load(dir); NDManager s = gpt.newScope()) {
            long[] ids = gpt.tokenizer().ids("The Space Needle is located in the city of");
            gpt.forwardLast(s, Batch.of(ids), Interventions.NONE).logits().toFloatArray();
            long file = Files.size(dir.resolve("model.safetensors"));
            System.out.printf("checkpoint %.0f MB (%s)%n", file / 1e6, gpt);
            System.out.printf("peak RSS after load + one forward: %.0f MB (VmHWM; target < 1300 MB)%n", statusKb("VmHWM") / 1024.0);
            System.out.printf("current RSS: %.0f MB, of which file-backed mapped pages %.0f MB%n",
                    statusKb("VmRSS") / 1024.0, statusKb("RssFile") / 1024.0);
        }
    }

    static long statusKb(String key) throws Exception {
        for (String line : Files.readAllLines(new File("/proc/self/status").toPath())) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
