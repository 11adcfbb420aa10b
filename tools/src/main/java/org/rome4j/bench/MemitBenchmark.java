package org.rome4j.bench;

import org.rome4j.data.FactData;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.RandomCheckpoint;
import org.rome4j.rome.BatchEdit;
import org.rome4j.rome.EditStack;
import org.rome4j.rome.KeyStats;
import org.rome4j.rome.MassEdit;
import org.rome4j.rome.Memit;
import org.rome4j.rome.MemitHparams;
import org.rome4j.rome.Request;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Benchmark (not a test): one MEMIT batch of N requests (default 100 and 1,000) on a randomly initialised
 * GPT-2-small-shaped checkpoint (12×768, layers 3–7, the untuned preset rule), in rome4j's schedule and in the
 * original's (one full-model z search per request, every position projected onto the vocabulary at each step),
 * run one after the other in the same process with the same inputs. Prints each time, the ratio, the share of
 * the z searches, the key reads and the solve, and the peak resident memory. The batch is undone after each run.
 *
 * <p>Run: {@code java -cp CLASSPATH org.rome4j.bench.MemitBenchmark [--sizes 100,1000] [--tokenizer DIR|HUB_ID]
 * [--work DIR] [--steps S] [--no-original] [--model NAME]}; {@code --model} runs on a loaded model instead
 * (e.g. the embedded {@code tiny-facts}, layers 0 up to 4). C is the identity (the point is the time, not the edit), the requests are the embedded
 * model's facts with another fact's object as the new target (a numbered subject when N exceeds them), and the
 * templates are MEMIT's shape ({@code [["{}"], five texts]}) from {@link BenchInputs#TEMPLATES}.
 */
public final class MemitBenchmark {
    private MemitBenchmark() { }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        Djl.init();
        String tokenizerArg = null;
        Path workRoot = Path.of(System.getProperty("java.io.tmpdir"));
        int[] sizes = {100, 1000};
        Integer steps = null;
        boolean skipNaive = false;
        String modelName = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tokenizer" -> tokenizerArg = args[++i];
                case "--work" -> workRoot = Path.of(args[++i]);
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--no-original" -> skipNaive = true;
                case "--model" -> modelName = args[++i];
                default -> {
                    System.err.println("usage: MemitBenchmark [--sizes 100,1000] [--steps S] [--no-original] [--tokenizer DIR|HUB_ID] [--work DIR]");
                    System.exit(2);
                }
            }
        }
        Path work = workRoot.resolve(tokenizerArg == null ? "rome4j-gpt2-small-random" : "rome4j-gpt2-small-random-gpt2-tokenizer");
        if (modelName == null && !Files.isRegularFile(work.resolve("model.safetensors"))) {
            System.out.println("writing random GPT-2-small-shaped checkpoint to " + work + " ...");
            RandomCheckpoint.write(work, RandomCheckpoint.gpt2Small(), 0, BenchInputs.tokenizer(tokenizerArg));
        }
        List<List<String>> templates = List.of(List.of("{}"), BenchInputs.TEMPLATES.subList(1, 6));
        try (Gpt gpt = modelName != null ? org.rome4j.model.Models.load(modelName) : Gpt.load(work)) {
            int f = gpt.config().nInner();
            // GPT-2 small: layers 3-7 (gpt2-xl's 13-17 scaled to 12 layers); another model: its first layers up to 5
            List<Integer> layers = modelName == null ? List.of(3, 4, 5, 6, 7)
                    : java.util.stream.IntStream.range(0, Math.min(5, gpt.nLayer() - 1)).boxed().toList();
            MemitHparams hp = MemitHparams.untuned("memit", layers, gpt.nLayer(), f, gpt.architecture().moduleTemplates(gpt.config()));
            if (steps != null) hp = new MemitHparams(hp.json().put("v_num_grad_steps", steps));
            double[] id = new double[f * f];
            for (int i = 0; i < f; i++) id[i * f + i] = 1;
            KeyStats c = KeyStats.ofMoment(id, f, 1, "float32");
            System.out.printf("MEMIT benchmark on %s, layers %s, %d z steps, %d templates; device %s%n",
                    modelName != null ? modelName : "gpt2-small-shaped random (12x768) in " + work, hp.layers(), hp.json().get("v_num_grad_steps").asInt(), 6, gpt.device());
            for (int n : sizes) {
                List<Request> reqs = requests(n);
                Run ours = run(gpt, hp, templates, c, reqs, false);
                print("rome4j  ", n, ours);
                if (skipNaive) continue;
                Run orig = run(gpt, hp, templates, c, reqs, true);
                print("original", n, orig);
                System.out.printf("  n=%d: rome4j / original schedule = %.2f (z searches alone %.2f)%n", n, ours.seconds / orig.seconds,
                        ours.z / orig.z);
            }
            System.out.printf("peak resident memory: %s%n", peakRss());
        }
    }

    record Run(double seconds, double z, double read, double solve) { }

    static Run run(Gpt gpt, MemitHparams hp, List<List<String>> templates, KeyStats c, List<Request> reqs, boolean naive) {
        try (Memit memit = new Memit(gpt, hp, templates, l -> c, naive)) {
            EditStack stack = new EditStack(gpt);
            long t0 = System.nanoTime();
            BatchEdit e = stack.apply(memit, reqs);
            double secs = (System.nanoTime() - t0) / 1e9;
            MassEdit.Result r = (MassEdit.Result) e.details();
            stack.undo();
            return new Run(secs, r.zNanos() / 1e9, r.readNanos() / 1e9, r.solveNanos() / 1e9);
        }
    }

    static void print(String label, int n, Run r) {
        System.out.printf("  %s n=%d: %.1f s (%.1f ms/request): z searches %.0f%%, keys %.0f%%, solve %.0f%%%n", label, n, r.seconds,
                1000 * r.seconds / n, 100 * r.z / r.seconds, 100 * r.read / r.seconds, 100 * r.solve / r.seconds);
    }

    /** N requests with distinct subjects: the embedded facts, each given another fact's object of the same relation. */
    static List<Request> requests(int n) throws Exception {
        List<FactData.Fact> facts = FactData.loadBundled().facts();
        List<Request> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int round = 0; out.size() < n; round++) {
            for (int i = 0; i < facts.size() && out.size() < n; i++) {
                FactData.Fact fa = facts.get(i);
                FactData.Fact other = facts.get((i + 1 + round) % facts.size());
                String subject = round == 0 ? fa.subject() : fa.subject() + " " + (round + 1);
                if (!seen.add(subject) || other.attribute().equals(fa.attribute())) continue;
                out.add(Request.of(fa.template() + fa.continuation(), subject, other.attribute()));
            }
        }
        return out;
    }

    /** VmHWM from /proc/self/status (Linux), else the JVM heap's maximum. */
    static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return line.substring(6).trim();
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return "n/a";
    }
}
