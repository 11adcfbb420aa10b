package org.rome4j.spark;

import org.rome4j.data.KnownFact;
import org.rome4j.data.KnownFacts;
import org.rome4j.model.Djl;
import org.rome4j.model.Gpt;
import org.rome4j.model.Models;
import org.rome4j.trace.DatasetResult;
import org.rome4j.trace.DatasetTrace;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test): {@code trace-dataset} on tiny-facts, the single-machine code against the
 * Spark job at {@code local[1]} and {@code local[2]}, one after another in this JVM, each from a cold
 * model and an empty output folder, in rounds; prints wall times, the ratios and Spark's fixed cost
 * (session start, plus a rerun whose facts are all written already: start, noise level, aggregation).
 *
 * <pre>
 * java @spark/java17-opens.txt -cp "spark/target/rome4j-spark.jar:$(cat spark/target/classpath.txt)" \
 *     org.rome4j.spark.SparkBenchmark [FACTS.json [LIMIT [ROUNDS]]]
 * </pre>
 * FACTS.json defaults to the bundled known_1000.json (copied to the temporary folder); {@code -} names it too.
 */
public final class SparkBenchmark {
    private SparkBenchmark() { }

    public static void main(String[] args) throws Exception {
        Djl.init();
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : -1;
        Path tmp = Files.createTempDirectory("rome4j-spark-bench");
        Path facts;
        if (args.length > 0 && !args[0].equals("-")) {
            facts = Path.of(args[0]);
        } else {
            facts = tmp.resolve("known_1000.json");     // the bundled file, for the Spark job's --facts
            try (var in = KnownFacts.class.getResourceAsStream(KnownFacts.RESOURCE)) {
                Files.copy(in, facts);
            }
        }
        List<KnownFact> all = KnownFacts.read(facts);
        int n = limit < 0 ? all.size() : Math.min(limit, all.size());

        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        // rounds of (single machine, local[1], local[2]): on a shared machine the load drifts, so each Spark run
        // is compared with the single-machine run of its own round
        for (int round = 1; round <= rounds; round++) {
            long t0 = System.nanoTime();
            try (Gpt gpt = Models.load("tiny-facts")) {
                DatasetResult r = DatasetTrace.builder(gpt).setFacts(all).optLimit(n).optCacheDir(tmp.resolve("single" + round)).build().run();
                r.writeTo(tmp.resolve("single" + round));
            }
            double single = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "round %d: single machine: %d facts in %.1f s%n", round, n, single);
            for (String master : List.of("local[1]", "local[2]")) {
                ExecutorModels.clear();
                Path out = tmp.resolve(master.replaceAll("[^a-z0-9]", "") + "-" + round);
                String[] argv = {"trace-dataset", "--master", master, "--model", "tiny-facts", "--facts", facts.toString(), "--limit",
                        Integer.toString(n), "--out", out.toString(), "--json", "--progress-seconds", "600"};
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                long t1 = System.nanoTime();
                int rc = SparkMain.run(argv, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
                double secs = (System.nanoTime() - t1) / 1e9;
                if (rc != 0) throw new IllegalStateException(master + " failed: " + err);
                String start = err.toString().lines().filter(l -> l.startsWith("[rome4j-spark] Spark")).findFirst().orElse("");
                // a rerun with every fact written: answered from OUT/complete.json, without starting Spark
                long t2 = System.nanoTime();
                rc = SparkMain.run(argv, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
                double fixed = (System.nanoTime() - t2) / 1e9;
                System.out.printf(Locale.ROOT, "round %d: spark %s: %.1f s, ratio %.3f to the single machine; rerun with nothing to "
                        + "trace %.1f s; %s%n", round, master, secs, secs / single, fixed, start.replace("[rome4j-spark] ", ""));
            }
        }
    }
}
